/** Every page's frame: landmarks, a skip link, the navigation, and the page in <main>. */
export default String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><% if (it.error) { %>Error: <% } %><%= it.title %> · Developer portal</title>
<link rel="stylesheet" href="/portal/static/portal.css">
<script src="/portal/static/portal.js" defer></script>
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <div class="container header-row">
    <a class="brand" href="/portal">Portcullis <span>developer portal</span></a>
    <nav aria-label="Main">
      <ul class="nav-list">
        <li><a href="/portal"<% if (it.nav === 'catalogue') { %> aria-current="page"<% } %>>APIs</a></li>
<% if (it.developer) { %>
        <li><a href="/portal/apps"<% if (it.nav === 'apps') { %> aria-current="page"<% } %>>My apps</a></li>
        <li class="nav-who"><span class="visually-hidden">Signed in as </span><%= it.developer.email %></li>
        <li>
          <form method="post" action="/portal/logout" class="inline-form">
            <input type="hidden" name="_csrf" value="<%= it.csrf %>">
            <button type="submit" class="button-link">Log out</button>
          </form>
        </li>
<% } else { %>
        <li><a href="/portal/login"<% if (it.nav === 'login') { %> aria-current="page"<% } %>>Log in</a></li>
        <li><a href="/portal/signup"<% if (it.nav === 'signup') { %> aria-current="page"<% } %>>Sign up</a></li>
<% } %>
      </ul>
    </nav>
  </div>
</header>
<main id="main" class="container" tabindex="-1">
<% if (it.notice) { %>
<p class="notice" role="status"><%= it.notice %></p>
<% } %>
<%~ it.body %>
</main>
<footer class="site-footer">
  <div class="container">Served by the Portcullis registry.</div>
</footer>
</body>
</html>
`;
