/** A page that only says something: errors, "not found", "this form has expired". */
export default String.raw`<% layout('@layout') %>
<h1><%= it.heading %></h1>
<p role="alert" class="alert"><%= it.message %></p>
<% if (it.details && it.details.length) { %>
<ul>
<% for (const detail of it.details) { %>
  <li><%= detail.message %></li>
<% } %>
</ul>
<% } %>
<p><a href="<%= it.back || '/portal' %>"><%= it.backLabel || 'Back to the APIs' %></a></p>
`;
