/** GET/POST /portal/signup. */
export default String.raw`<% layout('@layout') %>
<h1>Sign up</h1>
<%~ include('@errors', it) %>
<% const invalid = new Set((it.details || []).map((detail) => detail.field)) %>
<form method="post" action="/portal/signup" class="form" novalidate<% if (it.error) { %> aria-describedby="form-errors"<% } %>>
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <input type="hidden" name="next" value="<%= it.next || '' %>">
  <div class="field">
    <label for="email">Email</label>
    <input id="email" name="email"<% if (invalid.has('email')) { %> aria-invalid="true"<% } %> type="email" autocomplete="email" required maxlength="254" value="<%= it.email || '' %>">
  </div>
  <div class="field">
    <label for="password">Password</label>
    <input id="password" name="password"<% if (invalid.has('password')) { %> aria-invalid="true"<% } %> type="password" autocomplete="new-password" required minlength="10" maxlength="1024" aria-describedby="password-hint">
    <p class="hint" id="password-hint">At least 10 characters.</p>
  </div>
  <button type="submit" class="button">Create account</button>
</form>
<p>Already have an account? <a href="/portal/login<% if (it.next) { %>?next=<%= encodeURIComponent(it.next) %><% } %>">Log in</a>.</p>
`;
