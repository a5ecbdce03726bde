/** GET/POST /console/sign-in: the admin secret form, and the OpenID Provider's button when the console has one. */
export default String.raw`<% layout('@layout') %>
<h1>Sign in to the console</h1>
<%~ include('@errors', it) %>
<% if (it.oidcName) { %>
<p><a class="button" href="/console/sign-in/oidc<% if (it.next) { %>?next=<%= encodeURIComponent(it.next) %><% } %>">Sign in with <%= it.oidcName %></a></p>
<p>Or sign in with the admin secret:</p>
<% } %>
<form method="post" action="/console/sign-in" class="form" novalidate<% if (it.error) { %> aria-describedby="form-errors"<% } %>>
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <input type="hidden" name="next" value="<%= it.next || '' %>">
  <div class="field">
    <label for="secret">Admin secret</label>
    <input id="secret" name="secret" type="password" autocomplete="current-password" required maxlength="1024">
    <p class="hint">The registry's <code>ADMIN_SECRET</code>, as the admin API takes it.</p>
  </div>
  <button type="submit" class="button">Sign in</button>
</form>
`;
