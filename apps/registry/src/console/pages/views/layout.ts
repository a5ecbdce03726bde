/** Every console page's frame: landmarks, a skip link, the sections, and the page in <main>. */
export default String.raw`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title><% if (it.error) { %>Error: <% } %><%= it.title %> · Portcullis console</title>
<link rel="stylesheet" href="/console/static/console.css">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <div class="container console-container header-row">
    <a class="brand" href="/console">Portcullis <span>console</span></a>
<% if (it.operator) { %>
    <nav aria-label="Sections">
      <ul class="nav-list">
<% for (const section of it.sections) { %>
        <li><a href="<%= section.href %>"<% if (it.nav === section.id) { %> aria-current="page"<% } %>><%= section.label %></a></li>
<% } %>
        <li class="nav-who"><span class="visually-hidden">Signed in as </span><%= it.operator.name %></li>
        <li>
          <form method="post" action="/console/sign-out" class="inline-form">
            <input type="hidden" name="_csrf" value="<%= it.csrf %>">
            <button type="submit" class="button-link">Sign out</button>
          </form>
        </li>
      </ul>
    </nav>
<% } %>
  </div>
</header>
<main id="main" class="container console-container" tabindex="-1">
<% if (it.notice) { %>
<p class="notice" role="status"><%= it.notice %></p>
<% } %>
<%~ it.body %>
</main>
<footer class="site-footer">
  <div class="container console-container">Served by the Portcullis registry. Everything here is also in the admin API (<a href="/admin/docs">/admin/docs</a>).</div>
</footer>
</body>
</html>
`;
