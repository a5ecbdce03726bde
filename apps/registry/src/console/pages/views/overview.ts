/** GET /console: where things stand, and the way to each section. */
export default String.raw`<% layout('@layout') %>
<h1>Overview</h1>
<ul class="cards">
<% for (const section of it.sections.filter((section) => section.id !== 'overview')) { %>
  <li class="card"><h2><a href="<%= section.href %>"><%= section.label %></a></h2></li>
<% } %>
</ul>
`;
