/**
 * GET /console/traffic: requests, errors and latency over time, for everything or for one API, key
 * or OAuth client, as server-rendered SVG charts. The filters are a GET form (the URL is the view).
 */
export default String.raw`<% layout('@layout') %>
<h1>Traffic</h1>
<% if (it.filters.length) { %>
<p class="lead">For <% it.filters.forEach((filter, index) => { %><%= index ? ', ' : '' %><%= filter.label %> <code><%= filter.value %></code><% }) %>.</p>
<% } else { %>
<p class="lead">Every API, key and client together. Choose one below to see its own.</p>
<% } %>
<%~ include('@errors', it) %>
<form method="get" action="/console/traffic" class="filters" aria-label="Filters">
  <div class="field">
    <label for="range">Range</label>
    <select id="range" name="range">
<% for (const [value, range] of Object.entries(it.ranges)) { %>
      <option value="<%= value %>"<% if (it.form.range === value) { %> selected<% } %>><%= range.label %></option>
<% } %>
    </select>
  </div>
  <div class="field">
    <label for="api_id">API</label>
    <select id="api_id" name="api_id">
      <option value="">All APIs</option>
<% for (const api of it.apis) { %>
      <option value="<%= api.id %>"<% if (it.form.api_id === api.id) { %> selected<% } %>><%= api.name %></option>
<% } %>
    </select>
  </div>
  <div class="field">
    <label for="identity">Key hash</label>
    <input id="identity" name="identity" type="text" value="<%= it.form.identity %>" maxlength="256" autocomplete="off">
  </div>
  <div class="field">
    <label for="oauth_client_id">OAuth client id</label>
    <input id="oauth_client_id" name="oauth_client_id" type="text" value="<%= it.form.oauth_client_id %>" maxlength="256" autocomplete="off">
  </div>
  <button type="submit" class="button">Show</button>
</form>
<% if (it.charts) { %>
<dl class="facts">
  <dt>From</dt><dd><%= it.report.from %></dd>
  <dt>To</dt><dd><%= it.report.to %></dd>
  <dt>Requests</dt><dd><%= it.totals.requests %></dd>
  <dt>Errors (4xx, 5xx)</dt><dd><%= it.totals.clientErrors %>, <%= it.totals.serverErrors %></dd>
</dl>
<% if (it.report.truncated) { %><p class="warning">The range holds more rows than one page shows: the charts stop early. Narrow the range.</p><% } %>
<div class="charts">
  <figure class="chart-frame"><%~ it.charts.requests %></figure>
  <figure class="chart-frame"><%~ it.charts.errors %></figure>
  <figure class="chart-frame"><%~ it.charts.latency %></figure>
</div>
<% } %>
`;
