/** After creating a key or an OAuth client: its secret, shown this once. */
export default String.raw`<% layout('@layout') %>
<p class="breadcrumb"><a href="/console/<%= it.kind.slug %>"><%= it.kind.title %></a></p>
<h1><%= it.heading %></h1>
<p class="warning" role="status">Copy the secret now: it is shown this once and is kept only as a hash.</p>
<dl class="credentials">
<% for (const item of it.secrets) { %>
  <dt><%= item.label %></dt>
  <dd><code><%= item.value %></code></dd>
<% } %>
</dl>
<p><a class="button" href="/console/<%= it.kind.slug %>/<%= encodeURIComponent(it.id) %>">See the <%= it.kind.singular %></a></p>
`;
