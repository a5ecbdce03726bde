/** GET /portal/apps: the developer's apps. */
export default String.raw`<% layout('@layout') %>
<h1>My apps</h1>
<p><a class="button" href="/portal/apps/new">Create an app</a></p>
<% if (it.apps.length === 0) { %>
<p>You have no apps yet. Pick an API in the <a href="/portal">catalogue</a> to create one.</p>
<% } else { %>
<table>
  <caption class="visually-hidden">Your apps</caption>
  <thead><tr><th scope="col">App</th><th scope="col">API</th><th scope="col">Credentials</th><th scope="col">Created</th></tr></thead>
  <tbody>
<% for (const app of it.apps) { %>
    <tr>
      <td><a href="/portal/apps/<%= app.id %>"><%= app.name %></a></td>
      <td><%= app.entryName %></td>
      <td><%= it.kindLabel(app.kind) %></td>
      <td><time datetime="<%= app.created_at %>"><%= app.created_at.slice(0, 10) %></time></td>
    </tr>
<% } %>
  </tbody>
</table>
<% } %>
`;
