/** A form's problems: one alert, then each field's message (partial). */
export default String.raw`<% if (it.error) { %>
<p class="alert" role="alert" id="form-errors"><%= it.error %></p>
<% if (it.details && it.details.length) { %>
<ul class="alert-details" aria-label="Problems">
<% for (const detail of it.details) { %>
  <li><%= detail.message %></li>
<% } %>
</ul>
<% } %>
<% } %>`;
