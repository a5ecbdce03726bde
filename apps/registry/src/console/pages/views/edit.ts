/**
 * An item as JSON, to read and change (GET /console/:kind/:id), or a new one (GET /console/:kind/new):
 * the same document the admin API takes, validated by it, its problems shown by field.
 */
export default String.raw`<% layout('@layout') %>
<p class="breadcrumb"><a href="/console/<%= it.kind.slug %>"><%= it.kind.title %></a></p>
<h1><%= it.heading %></h1>
<%~ include('@errors', it) %>
<% if (it.extra) { %><%~ it.extra %><% } %>
<% if (it.readOnly) { %>
<pre><code><%= it.json %></code></pre>
<% } else { %>
<form method="post" action="<%= it.action %>" class="editor" novalidate<% if (it.error) { %> aria-describedby="form-errors"<% } %>>
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <div class="field">
    <label for="document"><%= it.kind.singular[0].toUpperCase() + it.kind.singular.slice(1) %> (JSON)</label>
    <textarea id="document" name="document" rows="24" spellcheck="false" autocapitalize="off" autocomplete="off"><%= it.json %></textarea>
    <p class="hint"><%= it.kind.hint %></p>
  </div>
  <button type="submit" class="button"><%= it.id === undefined ? 'Create' : 'Save' %></button>
</form>
<% } %>
<% if (it.id !== undefined && it.kind.deletable) { %>
<h2>Delete</h2>
<form method="post" action="/console/<%= it.kind.slug %>/<%= encodeURIComponent(it.id) %>/delete" class="form">
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <div class="field">
    <label for="confirm">Type <code><%= it.id %></code> to delete this <%= it.kind.singular %></label>
    <input id="confirm" name="confirm" type="text" autocomplete="off" maxlength="1024">
  </div>
  <button type="submit" class="button danger">Delete</button>
</form>
<% } %>
`;
