/** A form's problems: one alert, then each field's message as the admin API gives it (partial). */
export default String.raw`<% if (it.error) { %>
<p class="alert" role="alert" id="form-errors"><%= it.error %></p>
<% if (it.details && it.details.length) { %>
<ul class="alert-details" aria-label="Problems">
<% for (const detail of it.details) { %>
  <li><% if (detail.field) { %><code><%= detail.field %></code>: <% } %><%= detail.message %></li>
<% } %>
</ul>
<% } %>
<% } %>`;
