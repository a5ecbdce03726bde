/** GET/POST /portal/login: the OpenID Provider's button when the portal has one, the password form unless it is off. */
export default String.raw`<% layout('@layout') %>
<h1>Log in</h1>
<%~ include('@errors', it) %>
<% if (it.oidcName) { %>
<p><a class="button" href="/portal/login/oidc<% if (it.next) { %>?next=<%= encodeURIComponent(it.next) %><% } %>">Sign in with <%= it.oidcName %></a></p>
<% } %>
<% if (it.passwordLogin !== false) { %>
<% if (it.oidcName) { %>
<p>Or log in with your portal password:</p>
<% } %>
<form method="post" action="/portal/login" class="form" novalidate<% if (it.error) { %> aria-describedby="form-errors"<% } %>>
  <input type="hidden" name="_csrf" value="<%= it.csrf %>">
  <input type="hidden" name="next" value="<%= it.next || '' %>">
  <div class="field">
    <label for="email">Email</label>
    <input id="email" name="email" type="email" autocomplete="username" required maxlength="254" value="<%= it.email || '' %>">
  </div>
  <div class="field">
    <label for="password">Password</label>
    <input id="password" name="password" type="password" autocomplete="current-password" required maxlength="1024">
  </div>
  <button type="submit" class="button">Log in</button>
</form>
<p>No account yet? <a href="/portal/signup<% if (it.next) { %>?next=<%= encodeURIComponent(it.next) %><% } %>">Sign up</a>. Forgot your password? Ask the portal's administrator for a reset link.</p>
<% } else { %>
<p>This portal signs developers in with <%= it.oidcName %> only. Your account is made the first time you sign in.</p>
<% } %>
`;
