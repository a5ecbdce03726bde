/** GET /portal/apps/new?entry=ID: name the app and pick its API. */
export default String.raw`<% layout('@layout') %>
<nav aria-label="Breadcrumb" class="breadcrumb"><a href="/portal/apps">My apps</a> / <span aria-current="page">New app</span></nav>
<h1>Create an app</h1>
<%~ include('@errors', it) %>
<% const invalid = new Set((it.details || []).map((detail) => detail.field)) %>
<% if (it.entries.length === 0) { %>
<p>No APIs are published yet.</p>
<% } else { %>
<form method="post" action="/portal/apps" class="form" novalidate<% if (it.error) { %> aria-describedby="form-errors"<% } %>>
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <div class="field">
    <label for="entry_id">API</label>
    <select id="entry_id" name="entry_id"<% if (invalid.has('entry_id')) { %> aria-invalid="true"<% } %> required>
<% for (const entry of it.entries) { %>
      <option value="<%= entry.id %>"<% if (entry.id === it.entryId) { %> selected<% } %>><%= entry.name %> (<%= it.kindLabel(entry.credential_kind) %>)</option>
<% } %>
    </select>
  </div>
  <div class="field">
    <label for="name">App name</label>
    <input id="name" name="name"<% if (invalid.has('name')) { %> aria-invalid="true"<% } %> type="text" required maxlength="100" value="<%= it.name || '' %>" aria-describedby="name-hint">
    <p class="hint" id="name-hint">For you to tell your apps apart, e.g. "Billing batch".</p>
  </div>
  <button type="submit" class="button">Create app and get credentials</button>
</form>
<% } %>
`;
