/** Beside an item's document: its traffic (a chart of the last 24 hours) and, for an API, its upstream targets' health. */
export default String.raw`<section class="panels" aria-label="Traffic and health">
<% if (it.targets) { %>
<h2>Upstream targets</h2>
<% if (it.targets.length === 0) { %>
<p>No gateway is running this API's health checks just now (health is known for load-balanced targets, as each gateway sees them).</p>
<% } else { %>
<div class="table-scroll">
<table>
  <thead><tr><th scope="col">Target</th><th scope="col">Health</th><th scope="col">Gateways</th></tr></thead>
  <tbody>
<% for (const target of it.targets) { %>
    <tr>
      <th scope="row"><code><%= target.origin %></code></th>
      <td><% if (target.unhealthy_on === 0) { %><span class="health-up">healthy</span><% } else if (target.healthy_on === 0) { %><span class="health-down">down</span><% } else { %><span class="health-down">down on <%= target.unhealthy_on %> of <%= target.healthy_on + target.unhealthy_on %></span><% } %></td>
      <td><%= target.healthy_on + target.unhealthy_on %></td>
    </tr>
<% } %>
  </tbody>
</table>
</div>
<% } %>
<% } %>
<% if (it.trafficHref) { %>
<h2>Traffic, last 24 hours</h2>
<% if (it.chart) { %><figure class="chart-frame"><%~ it.chart %></figure><% } %>
<p><a href="<%= it.trafficHref %>">Traffic of this <%= it.singular %> over time</a></p>
<% } %>
</section>`;
