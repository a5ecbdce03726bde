/** GET /portal/apps/:appId: one app; rename, rotate and delete. Secrets are never shown here. */
export default String.raw`<% layout('@layout') %>
<nav aria-label="Breadcrumb" class="breadcrumb"><a href="/portal/apps">My apps</a> / <span aria-current="page"><%= it.app.name %></span></nav>
<h1><%= it.app.name %></h1>
<dl class="facts">
  <dt>API</dt><dd><% if (it.entryId) { %><a href="/portal/apis/<%= it.entryId %>"><%= it.entryName %></a><% } else { %><%= it.entryName %><% } %></dd>
  <dt>Credentials</dt><dd><%= it.kindLabel(it.app.kind) %></dd>
<% if (it.app.client_id) { %>
  <dt>Client ID</dt><dd><code data-credential="client_id"><%= it.app.client_id %></code></dd>
<% } %>
  <dt>Created</dt><dd><time datetime="<%= it.app.created_at %>"><%= it.app.created_at.slice(0, 16).replace('T', ' ') %> UTC</time></dd>
  <dt>Last changed</dt><dd><time datetime="<%= it.app.updated_at %>"><%= it.app.updated_at.slice(0, 16).replace('T', ' ') %> UTC</time></dd>
</dl>
<% if (it.example) { %>
<section aria-labelledby="try-heading">
  <h2 id="try-heading">Try it</h2>
  <p><%= it.example.curlIntro %></p>
  <div class="code-block">
    <pre id="curl-example" data-curl-template tabindex="0"><code><%= it.example.curl %></code></pre>
    <button type="button" class="copy" data-copy="curl-example" hidden>Copy command</button>
  </div>
</section>
<% } %>
<section aria-labelledby="rename-heading">
  <h2 id="rename-heading">Rename the app</h2>
  <%~ include('@errors', it) %>
  <% const invalid = new Set((it.details || []).map((detail) => detail.field)) %>
  <form method="post" action="/portal/apps/<%= it.app.id %>/rename" class="form" novalidate<% if (it.error) { %> aria-describedby="form-errors"<% } %>>
    <input type="hidden" name="_csrf" value="<%= it.csrf %>">
    <div class="field">
      <label for="name">App name</label>
      <input id="name" name="name"<% if (invalid.has('name')) { %> aria-invalid="true"<% } %> type="text" required maxlength="100" value="<%= it.name ?? it.app.name %>" aria-describedby="rename-hint">
      <p class="hint" id="rename-hint">Its credentials keep working; where they carry the name (an OAuth client's, at the identity provider too) it changes with it.</p>
    </div>
    <button type="submit" class="button">Rename</button>
  </form>
</section>
<section aria-labelledby="rotate-heading">
  <h2 id="rotate-heading">Rotate the <%= it.secretNoun %></h2>
  <p>You get a new <%= it.secretNoun %>, shown once; the current one stops working at once.</p>
  <form method="post" action="/portal/apps/<%= it.app.id %>/rotate">
    <input type="hidden" name="_csrf" value="<%= it.csrf %>">
    <button type="submit" class="button">Rotate <%= it.secretNoun %></button>
  </form>
</section>
<section aria-labelledby="delete-heading">
  <h2 id="delete-heading">Delete the app</h2>
  <p>Its credentials stop working at once. This cannot be undone.</p>
  <form method="post" action="/portal/apps/<%= it.app.id %>/delete">
    <input type="hidden" name="_csrf" value="<%= it.csrf %>">
    <button type="submit" class="button danger">Delete <%= it.app.name %></button>
  </form>
</section>
<p class="visually-hidden" aria-live="polite" data-copy-status></p>
`;
