/** GET /portal/apis/:entryId: one API's documentation and how to get access. */
export default String.raw`<% layout('@layout') %>
<nav aria-label="Breadcrumb" class="breadcrumb"><a href="/portal">APIs</a> / <span aria-current="page"><%= it.entry.name %></span></nav>
<h1><%= it.entry.name %></h1>
<% if (it.entry.description) { %><p class="lead"><%= it.entry.description %></p><% } %>
<dl class="facts">
  <dt>Credentials</dt><dd><%= it.kindLabel(it.entry.credential_kind) %></dd>
  <dt>Base URL</dt><dd><code><%= it.baseUrl %></code></dd>
</dl>
<p>
<% if (it.developer) { %>
  <a class="button" href="/portal/apps/new?entry=<%= it.entry.id %>">Create an app for this API</a>
<% } else { %>
  <a class="button" href="/portal/login?next=<%= encodeURIComponent('/portal/apps/new?entry=' + it.entry.id) %>">Log in to create an app</a>
  or <a href="/portal/signup?next=<%= encodeURIComponent('/portal/apps/new?entry=' + it.entry.id) %>">sign up</a>
<% } %>
</p>
<section aria-labelledby="docs-heading" class="docs">
  <h2 id="docs-heading" class="visually-hidden">Documentation</h2>
<% if (it.documentation) { %>
  <%~ it.documentation %>
<% } else { %>
  <p>This API has no documentation yet.</p>
<% } %>
</section>
<% if (it.openapi) { %>
<section aria-labelledby="openapi-heading">
  <h2 id="openapi-heading">OpenAPI</h2>
  <p><a href="/portal/apis/<%= it.entry.id %>/openapi.json" data-openapi>Download the OpenAPI document</a><% if (it.openapi.title) { %> (<%= it.openapi.title %><% if (it.openapi.version) { %>, version <%= it.openapi.version %><% } %>)<% } %>.</p>
<% if (it.openapi.operations.length) { %>
  <table>
    <caption>Operations</caption>
    <thead><tr><th scope="col">Method</th><th scope="col">Path</th><th scope="col">Summary</th></tr></thead>
    <tbody>
<% for (const op of it.openapi.operations) { %>
      <tr><td><code><%= op.method %></code></td><td><code><%= op.path %></code></td><td><%= op.summary %></td></tr>
<% } %>
    </tbody>
  </table>
<% } %>
</section>
<% } %>
`;
