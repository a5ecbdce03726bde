/** A page that only says something: errors, "not found", "this form has expired". */
export default String.raw`<% layout('@layout') %>
<h1><%= it.heading %></h1>
<p role="alert" class="alert"><%= it.message %></p>
<% if (it.details && it.details.length) { %>
<ul class="alert-details">
<% for (const detail of it.details) { %>
  <li><% if (detail.field) { %><code><%= detail.field %></code>: <% } %><%= detail.message %></li>
<% } %>
</ul>
<% } %>
<p><a href="<%= it.back || '/console' %>"><%= it.backLabel || 'Back to the console' %></a></p>
`;
