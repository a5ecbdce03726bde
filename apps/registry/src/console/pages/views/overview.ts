/** GET /console: the last day's traffic per API, the live gateways, and the upstream targets' health. */
export default String.raw`<% layout('@layout') %>
<h1>Overview</h1>
<h2>APIs, last 24 hours</h2>
<% if (it.apis.length === 0) { %>
<p>No APIs yet. <a href="/console/apis/new">Create one</a>.</p>
<% } else { %>
<div class="table-scroll">
<table>
  <thead><tr><th scope="col">API</th><th scope="col">Requests</th><th scope="col">4xx</th><th scope="col">5xx</th><th scope="col">p99 ms (worst hour)</th></tr></thead>
  <tbody>
<% for (const api of it.apis) { %>
    <tr>
      <th scope="row"><a href="/console/traffic?api_id=<%= encodeURIComponent(api.id) %>"><%= api.name %></a></th>
      <td><%= api.requests %></td><td><%= api.clientErrors %></td><td><%= api.serverErrors %></td><td><%= api.p99 === null ? '–' : api.p99 %></td>
    </tr>
<% } %>
  </tbody>
</table>
</div>
<% } %>
<h2>Gateways</h2>
<% if (it.gateways.length === 0) { %>
<p class="warning">No gateway has announced itself in the last few seconds.</p>
<% } else { %>
<div class="table-scroll">
<table>
  <thead><tr><th scope="col">Gateway</th><th scope="col">Last heard</th><th scope="col">Targets it checks</th></tr></thead>
  <tbody>
<% for (const gateway of it.gateways) { %>
    <tr><th scope="row"><code><%= gateway.gateway_id %></code></th><td><%= gateway.last_seen %></td><td><%= gateway.upstreams.length %></td></tr>
<% } %>
  </tbody>
</table>
</div>
<% } %>
<h2>Upstream targets</h2>
<% if (it.targets.length === 0) { %>
<p>No load-balanced targets are being checked.</p>
<% } else { %>
<div class="table-scroll">
<table>
  <thead><tr><th scope="col">Target</th><th scope="col">Healthy on</th><th scope="col">Down on</th></tr></thead>
  <tbody>
<% for (const target of it.targets) { %>
    <tr>
      <th scope="row"><code><%= target.origin %></code></th>
      <td><%= target.healthy_on %></td>
      <td><% if (target.unhealthy_on > 0) { %><span class="health-down"><%= target.unhealthy_on %></span><% } else { %>0<% } %></td>
    </tr>
<% } %>
  </tbody>
</table>
</div>
<% } %>
`;
