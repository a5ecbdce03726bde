import { portalCss } from '../../portal/pages/portal-css.js';
import { chartCss } from '../charts/svg-chart.js';

/**
 * The console's stylesheet (GET /console/static/console.css): the portal's, for one look and one
 * set of contrast-checked colours, with what an operator's pages add: wider pages, wide tables that
 * scroll sideways on a phone rather than squeezing, a JSON editor, the charts.
 */
export const consoleCss = `${portalCss}
${chartCss}
.console-container { max-width: 80rem; }
.table-scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
.table-scroll table { min-width: 36rem; }
.editor textarea {
  width: 100%; min-height: 18rem; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 0.9rem;
  padding: 0.6rem; border: 2px solid #6e7781; border-radius: 4px; background: #fff; color: var(--text); line-height: 1.4;
}
.editor textarea:focus-visible { border-color: var(--text); }
.filters { display: flex; flex-wrap: wrap; gap: 0.75rem 1.25rem; align-items: flex-end; margin: 1rem 0 1.5rem; }
.filters .field { margin: 0; min-width: 10rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 26rem), 1fr)); gap: 1.25rem; }
.chart-frame { margin: 0; border: 1px solid var(--border); border-radius: 8px; padding: 0.75rem; background: var(--bg); min-width: 0; }
.health-up { color: var(--ok-border); font-weight: 600; }
.health-down { color: var(--danger); font-weight: 600; }
@media (prefers-color-scheme: dark) {
  .editor textarea { background: #0d1117; color: var(--text); border-color: #8b949e; }
}
`;
