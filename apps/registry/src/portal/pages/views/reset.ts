/** GET/POST /portal/reset/:token: a new password through an admin-issued link. */
export default String.raw`<% layout('@layout') %>
<h1>Choose a new password</h1>
<%~ include('@errors', it) %>
<% const invalid = new Set((it.details || []).map((detail) => detail.field)) %>
<form method="post" action="/portal/reset/<%= it.token %>" class="form" novalidate<% if (it.error) { %> aria-describedby="form-errors"<% } %>>
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <div class="field">
    <label for="password">New password</label>
    <input id="password" name="password"<% if (invalid.has('password')) { %> aria-invalid="true"<% } %> type="password" autocomplete="new-password" required minlength="10" maxlength="1024" aria-describedby="password-hint">
    <p class="hint" id="password-hint">At least 10 characters. Every session you have open is logged out.</p>
  </div>
  <button type="submit" class="button">Set password</button>
</form>
`;
