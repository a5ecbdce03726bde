/** After create or rotate: the credentials, shown this once, and a request that works. */
export default String.raw`<% layout('@layout') %>
<nav aria-label="Breadcrumb" class="breadcrumb"><a href="/portal/apps">My apps</a> / <a href="/portal/apps/<%= it.app.id %>"><%= it.app.name %></a> / <span aria-current="page">Credentials</span></nav>
<h1><%= it.rotated ? 'New credentials' : 'Your app is ready' %></h1>
<p class="warning" role="status"><strong>Copy these now.</strong> The <%= it.secretNoun %> is shown on this page only: Portcullis keeps no copy it could show you again. If you lose it, rotate it from the app's page.</p>
<% if (it.rotated) { %><p>The previous <%= it.secretNoun %> no longer works.</p><% } %>
<dl class="credentials">
<% for (const item of it.values) { %>
  <dt id="label-<%= item.kind %>"><%= item.label %></dt>
  <dd>
    <code id="cred-<%= item.kind %>" data-credential="<%= item.kind %>"><%= item.value %></code>
    <button type="button" class="copy" data-copy="cred-<%= item.kind %>" aria-describedby="label-<%= item.kind %>" hidden>Copy</button>
  </dd>
<% } %>
</dl>
<section aria-labelledby="try-heading">
  <h2 id="try-heading">Try it</h2>
  <p><%= it.curlIntro %></p>
  <div class="code-block">
    <pre id="curl-example" data-curl tabindex="0"><code><%= it.curl %></code></pre>
    <button type="button" class="copy" data-copy="curl-example" hidden>Copy command</button>
  </div>
</section>
<p><a href="/portal/apps/<%= it.app.id %>">Go to the app</a> · <a href="/portal/apps">All my apps</a></p>
<p class="visually-hidden" aria-live="polite" data-copy-status></p>
`;
