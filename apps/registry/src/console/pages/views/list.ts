/** GET /console/:kind: every item of one kind, as a table (scrolls sideways on a phone). */
export default String.raw`<% layout('@layout') %>
<h1><%= it.kind.title %></h1>
<p class="lead"><%= it.kind.description %></p>
<% if (it.kind.creatable) { %>
<p><a class="button" href="/console/<%= it.kind.slug %>/new">New <%= it.kind.singular %></a></p>
<% } %>
<% if (it.rows.length === 0) { %>
<p>There are none yet.</p>
<% } else { %>
<div class="table-scroll">
<table>
  <caption><%= it.rows.length + it.more %> <%= it.rows.length + it.more === 1 ? it.kind.singular : it.kind.title.toLowerCase() %></caption>
  <thead><tr><% for (const column of it.kind.columns) { %><th scope="col"><%= column %></th><% } %></tr></thead>
  <tbody>
<% for (const row of it.rows) { %>
    <tr>
<% row.cells.forEach((cell, index) => { %>
      <% if (index === 0) { %><th scope="row"><a href="/console/<%= it.kind.slug %>/<%= encodeURIComponent(row.id) %>"><%= cell %></a></th><% } else { %><td><%= cell %></td><% } %>
<% }) %>
    </tr>
<% } %>
  </tbody>
</table>
</div>
<% if (it.more > 0) { %>
<p class="warning">And <%= it.more %> more, not shown: the admin API lists them all.</p>
<% } %>
<% } %>
`;
