/** GET /portal: the published APIs. */
export default String.raw`<% layout('@layout') %>
<h1>APIs</h1>
<p class="lead">Pick an API, read its documentation, and create an app to get credentials for it.</p>
<% if (it.entries.length === 0) { %>
<p>No APIs are published yet.</p>
<% } else { %>
<ul class="cards">
<% for (const entry of it.entries) { %>
  <li class="card">
    <h2><a href="/portal/apis/<%= entry.id %>"><%= entry.name %></a></h2>
    <% if (entry.description) { %><p><%= entry.description %></p><% } %>
    <p class="meta">Credentials: <%= it.kindLabel(entry.credential_kind) %></p>
  </li>
<% } %>
</ul>
<% } %>
`;
