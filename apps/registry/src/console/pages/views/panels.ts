/** Beside an item's document: where to see its traffic (and, for an API, its upstream targets' health). */
export default String.raw`<section class="panels" aria-label="Traffic and health">
<% if (it.trafficHref) { %>
<p><a href="<%= it.trafficHref %>">Traffic of this <%= it.singular %> over time</a></p>
<% } %>
</section>`;
