/**
 * Server-rendered line charts: an inline `<svg>` string for a console page. Nothing runs in the
 * browser and nothing is styled inline (the console's CSP allows neither): colours come from the
 * classes in `chartCss`, with the same colours as presentation attributes so that a chart read
 * without the stylesheet still shows its lines. Every text is escaped; no number in the markup is
 * NaN or Infinity (non-finite values are gaps, and an empty chart says so instead of dividing by 0).
 */

/** One value at one instant: `v` is null where there is nothing to say (a gap in the line). */
export interface ChartPoint {
  /** Milliseconds since the epoch (UTC). */
  t: number;
  v: number | null;
}

export interface ChartSeries {
  name: string;
  points: ChartPoint[];
}

export interface LineChartOptions {
  /** Shown above the chart and read first by a screen reader. */
  title: string;
  /** The values' unit, shown above the y axis (`ms`, `requests`); '' for none. */
  unit: string;
  /** Up to 6 series get distinct colours and dash patterns; more repeat them. */
  series: ChartSeries[];
  /** The x axis's range, in milliseconds since the epoch (points outside it widen it). */
  from: number;
  to: number;
  /** Whole-number y ticks only (counts: no "0.5 requests"). */
  integer?: boolean;
  /** What a chart with no value other than 0 (or none at all) says. */
  emptyText?: string;
  /** The drawing's width in its own units (WIDE_CHART_WIDTH by default; NARROW_CHART_WIDTH for a phone). */
  width?: number;
  /** Extra class names on the <svg> (beside `chart`). */
  className?: string;
}

export const DEFAULT_EMPTY_TEXT = 'No traffic in this range';

// The drawing's own coordinates (the viewBox): the page scales it to its container's width. Its
// text sizes are in the same units, so a drawing meant for a phone is narrower, not smaller.
/** The width of a chart for a page of desktop width. */
export const WIDE_CHART_WIDTH = 800;
/** The width of a chart for a phone's width: scaled to about 350 px, its 11-unit labels stay readable. */
export const NARROW_CHART_WIDTH = 400;
const PLOT_LEFT = 60;
const PLOT_TOP = 56;
const PLOT_BOTTOM = 256;
const PLOT_HEIGHT = PLOT_BOTTOM - PLOT_TOP;
const LEGEND_TOP = 304;
const LEGEND_ROW = 22;
/** About one x label per 90 units, so that "Dec 31" and "23:45" never touch. */
const X_LABEL_SPACING = 90;

/** Where the plot sits in a drawing `width` units wide. */
interface Geometry {
  width: number;
  plotRight: number;
  plotWidth: number;
  maxXLabels: number;
}

function geometry(width: number): Geometry {
  const plotRight = width - 24;
  const plotWidth = plotRight - PLOT_LEFT;
  return { width, plotRight, plotWidth, maxXLabels: Math.floor(plotWidth / X_LABEL_SPACING) };
}

const WIDE = geometry(WIDE_CHART_WIDTH);
const LEGEND_NAME_CHARS = 40;
/** A lone point's diameter, in viewBox units (a line is 2). */
const DOT_SIZE = 7;

/**
 * Six colours with at least 3:1 contrast on white (WCAG 1.4.11), and six dash patterns so that the
 * lines differ without colour too (WCAG 1.4.1). `chartCss` repeats the colours by class.
 */
const palette = ['#0a58ca', '#c2410c', '#7e22ce', '#15803d', '#b3261e', '#0e7490'] as const;
/** The same six for the dark scheme: at least 3:1 on the dark page (#0d1117), where half the above are not. */
const darkPalette = ['#6cb6ff', '#fb8f44', '#d2a8ff', '#56d364', '#ff7b72', '#39c5cf'] as const;
const dashes = ['', '8 4', '2 4', '12 4 2 4', '4 4', '16 6'] as const;

/** The stylesheet rules for the classes the charts use: the page's stylesheet includes this string. */
export const chartCss = String.raw`
.chart { display: block; width: 100%; height: auto; overflow: visible; }
/* Each traffic chart comes at two widths; the page's width picks one (the other is hidden from screen readers too). */
.chart.chart-narrow { display: none; }
@media (max-width: 40rem) {
  .chart.chart-wide { display: none; }
  .chart.chart-narrow { display: block; }
}
.chart text { fill: #1b1f24; font-family: inherit; }
.chart .chart-title { font-size: 15px; font-weight: 600; }
.chart .chart-unit, .chart .chart-tick, .chart .chart-timezone { font-size: 11px; fill: #4a5461; }
.chart .chart-legend-label { font-size: 12px; }
.chart .chart-empty { font-size: 14px; fill: #4a5461; }
.chart .chart-grid { stroke: #d8dee4; stroke-width: 1; }
.chart .chart-axis { stroke: #4a5461; stroke-width: 1; }
.chart .chart-line { fill: none; stroke-width: 2; stroke-linejoin: round; stroke-linecap: round; }
.chart .chart-dot { fill: none; stroke-width: ${DOT_SIZE}; stroke-linecap: round; }
${palette.map((colour, i) => `.chart .chart-series-${i} { stroke: ${colour}; }`).join('\n')}
@media (prefers-color-scheme: dark) {
  .chart text { fill: #e6edf3; }
  .chart .chart-unit, .chart .chart-tick, .chart .chart-timezone, .chart .chart-empty { fill: #b1bac4; }
  .chart .chart-grid { stroke: #30363d; }
  .chart .chart-axis { stroke: #8b949e; }
${darkPalette.map((colour, i) => `  .chart .chart-series-${i} { stroke: ${colour}; }`).join('\n')}
}
`;

const xmlInvalid = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Text for an SVG text node or attribute value: markup characters escaped, and the characters XML
 * forbids (control characters, lone surrogates) replaced, since names come from user data.
 */
export function escapeXml(text: string): string {
  return text.replace(xmlInvalid, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Removes float noise (0.30000000000000004) from a computed tick. */
function clean(value: number): number {
  return Number(value.toPrecision(12));
}

/**
 * About `count` evenly spaced y ticks on a 1-2-5 step, from a multiple of the step at or below
 * min(0, min) to the first one at or above max(0, max): the axis starts at 0 and covers every value.
 */
export function niceTicks(min: number, max: number, options: { count?: number; integer?: boolean } = {}): number[] {
  const low = Math.min(0, min);
  const high = Math.max(0, max);
  if (!Number.isFinite(low) || !Number.isFinite(high)) throw new RangeError('niceTicks needs finite bounds');
  if (high === low) return [low, low + 1];
  const raw = (high - low) / (options.count ?? 5);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / magnitude;
  let step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
  if (options.integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(clean(low / step));
  const last = Math.ceil(clean(high / step));
  const ticks: number[] = [];
  for (let i = first; i <= last; i++) ticks.push(clean(i * step));
  return ticks;
}

/** A tick or peak value, short: 1500 → "1.5k", 0.05 → "0.05". */
export function formatValue(value: number): string {
  const abs = Math.abs(value);
  const short = (n: number) => String(Number(n.toPrecision(4)));
  if (abs >= 1e12) return `${short(value / 1e12)}T`;
  if (abs >= 1e9) return `${short(value / 1e9)}G`;
  if (abs >= 1e6) return `${short(value / 1e6)}M`;
  if (abs >= 1e3) return `${short(value / 1e3)}k`;
  return short(value);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const pad = (n: number) => String(n).padStart(2, '0');
const hhmm = (d: Date) => `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
const monthDay = (d: Date) => `${months[d.getUTCMonth()]!} ${d.getUTCDate()}`;
const monthYear = (d: Date) => `${months[d.getUTCMonth()]!} ${d.getUTCFullYear()}`;

export interface TimeTick {
  t: number;
  label: string;
}

// Steps whose multiples (from the epoch) fall on round UTC times: every one divides a day, or is whole days.
const clockSteps = [1, 2, 5, 10, 15, 30]
  .map((m) => m * MINUTE)
  .concat(
    [1, 2, 3, 6, 12].map((h) => h * HOUR),
    [DAY],
  );
const daySteps = [1, 2, 7, 14, 28, 56, 91].map((d) => d * DAY);
const monthSteps = [1, 2, 3, 6, 12, 24, 60];

/**
 * The x axis's labels, in UTC: HH:MM up to two days (a label at midnight names the day instead), MMM D
 * up to 400 days, MMM YYYY on the first of a month beyond. At most `maxLabels` of them (as many as a wide chart holds).
 */
export function timeTicks(from: number, to: number, maxLabels = WIDE.maxXLabels): TimeTick[] {
  if (!Number.isFinite(from) || !Number.isFinite(to) || !(to > from)) throw new RangeError('timeTicks needs a finite range with from before to');
  const span = to - from;
  // The labels a step would really draw (multiples of the step within the range), not the most it could.
  const fits = (step: number) => Math.floor(to / step) - Math.ceil(from / step) + 1 <= maxLabels;
  const every = (steps: number[], label: (d: Date) => string): TimeTick[] => {
    const step = steps.find(fits) ?? steps[steps.length - 1]!;
    const ticks: TimeTick[] = [];
    for (let t = Math.ceil(from / step) * step; t <= to; t += step) ticks.push({ t, label: label(new Date(t)) });
    return ticks;
  };
  if (span <= 2 * DAY) return every(clockSteps, (d) => (d.getTime() % DAY === 0 ? monthDay(d) : hhmm(d)));
  if (span <= 400 * DAY) return every(daySteps, monthDay);
  const stepMonths = monthSteps.find((m) => span / (30.44 * DAY) / m + 1 <= maxLabels) ?? monthSteps[monthSteps.length - 1]!;
  const start = new Date(from);
  // Months counted from year 0, so that a 6-month step lands on January and July.
  let index = start.getUTCFullYear() * 12 + start.getUTCMonth();
  if (Date.UTC(start.getUTCFullYear(), start.getUTCMonth()) < from) index++;
  index = Math.ceil(index / stepMonths) * stepMonths;
  const ticks: TimeTick[] = [];
  for (let t = monthStart(index); t <= to; index += stepMonths, t = monthStart(index)) ticks.push({ t, label: monthYear(new Date(t)) });
  return ticks;
}

function monthStart(index: number): number {
  return Date.UTC(Math.floor(index / 12), index % 12);
}

/** "2026-12-08 14:00", for the accessible summary. */
function formatInstant(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${hhmm(d)}`;
}

interface Scale {
  x(t: number): number;
  y(v: number): number;
}

/** Tenths of a viewBox unit as path text: 5 → ".5", -123 → "-12.3", 20 → "2". */
function tenths(n: number): string {
  const sign = n < 0 ? '-' : '';
  const abs = Math.abs(n);
  const whole = Math.floor(abs / 10);
  const frac = abs % 10;
  return `${sign}${whole === 0 && frac !== 0 ? '' : whole}${frac === 0 ? '' : `.${frac}`}`;
}

/** Numbers in a path, separated only where the next one has no minus sign to separate it. */
function joinNumbers(numbers: string[]): string {
  let out = '';
  for (const n of numbers) out += out === '' || n.startsWith('-') ? n : ` ${n}`;
  return out;
}

/**
 * The path data of one series: a new subpath after every gap, a lone point drawn as a dot (`h0` with
 * round caps). To stay small at 1,500 buckets, each run keeps per viewBox column only its lowest
 * and highest point (in time order) and drops the middle of flat stretches; the rest is relative
 * moves in tenths of a unit, computed from rounded absolute positions so that no error accumulates.
 */
export function linePath(points: ChartPoint[], scale: Scale): string {
  const runs: { x: number; y: number; v: number }[][] = [];
  let run: { x: number; y: number; v: number }[] | null = null;
  for (const point of [...points].sort((a, b) => a.t - b.t)) {
    if (point.v === null || !Number.isFinite(point.v) || !Number.isFinite(point.t)) {
      run = null;
      continue;
    }
    if (run === null) runs.push((run = []));
    run.push({ x: Math.round(scale.x(point.t) * 10), y: Math.round(scale.y(point.v) * 10), v: point.v });
  }
  let d = '';
  for (const full of runs) {
    const kept = perColumnExtremes(full);
    const flat = kept.filter((p, i) => i === 0 || i === kept.length - 1 || !(kept[i - 1]!.y === p.y && kept[i + 1]!.y === p.y));
    const first = flat[0]!;
    d += `M${joinNumbers([tenths(first.x), tenths(first.y)])}`;
    if (flat.length === 1) {
      d += 'h0';
      continue;
    }
    const moves: string[] = [];
    for (let i = 1; i < flat.length; i++) moves.push(tenths(flat[i]!.x - flat[i - 1]!.x), tenths(flat[i]!.y - flat[i - 1]!.y));
    d += `l${joinNumbers(moves)}`;
  }
  return d;
}

/** Per whole viewBox column, the lowest and highest value, in the order they came. */
function perColumnExtremes<P extends { x: number; v: number }>(run: P[]): P[] {
  const kept: P[] = [];
  let i = 0;
  while (i < run.length) {
    const column = Math.floor(run[i]!.x / 10);
    let min = i;
    let max = i;
    let j = i + 1;
    for (; j < run.length && Math.floor(run[j]!.x / 10) === column; j++) {
      if (run[j]!.v < run[min]!.v) min = j;
      if (run[j]!.v > run[max]!.v) max = j;
    }
    if (min === max) kept.push(run[min]!);
    else kept.push(run[Math.min(min, max)]!, run[Math.max(min, max)]!);
    i = j;
  }
  return kept;
}

const num = (n: number) => String(Math.round(n * 10) / 10);

function truncate(name: string, max: number): string {
  const chars = Array.from(name);
  return chars.length <= max ? name : `${chars.slice(0, max - 1).join('')}…`;
}

/** The legend, wrapped into rows across the chart's width; a long name shows in full as its tooltip. */
function legend(series: ChartSeries[], { plotRight }: Geometry): { markup: string; height: number } {
  let x = PLOT_LEFT;
  let row = 0;
  const items: string[] = [];
  series.forEach((s, i) => {
    const label = truncate(s.name, LEGEND_NAME_CHARS);
    // An estimate of the label's width (no text measurement on the server): 7 units per character at 12px.
    const width = 28 + Array.from(label).length * 7 + 24;
    if (x + width > plotRight && x > PLOT_LEFT) {
      row++;
      x = PLOT_LEFT;
    }
    const y = LEGEND_TOP + row * LEGEND_ROW;
    items.push(
      `<g class="chart-legend-item"><title>${escapeXml(s.name)}</title>` +
        `<line x1="${x}" y1="${y - 4}" x2="${x + 22}" y2="${y - 4}" ${lineStyle(i)}/>` +
        `<text class="chart-legend-label" x="${x + 28}" y="${y}" font-size="12">${escapeXml(label)}</text></g>`,
    );
    x += width;
  });
  return { markup: `<g class="chart-legend">${items.join('')}</g>`, height: (row + 1) * LEGEND_ROW };
}

function lineStyle(i: number): string {
  const k = i % palette.length;
  const dash = dashes[k]!;
  return (
    `class="chart-line chart-series-${k}" fill="none" stroke="${palette[k]!}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round"` +
    (dash === '' ? '' : ` stroke-dasharray="${dash}"`)
  );
}

/**
 * The lone points of a line's path data (its `h0` subpaths), to draw again as large dots: at the
 * line's width a point between two gaps is a speck, and sparse traffic is mostly such points (the
 * latency of the one minute that had requests).
 */
export function lonePoints(d: string): string {
  return (d.match(/M[^Mlh]*h0/g) ?? []).join('');
}

function dotStyle(i: number): string {
  const k = i % palette.length;
  return `class="chart-dot chart-series-${k}" fill="none" stroke="${palette[k]!}" stroke-width="${DOT_SIZE}" stroke-linecap="round"`;
}

// Loops rather than Math.max(...values): a spread of many thousand arguments can overflow the stack.
const lowest = (values: number[]) => values.reduce((a, b) => Math.min(a, b), Infinity);
const highest = (values: number[]) => values.reduce((a, b) => Math.max(a, b), -Infinity);

/** The finite values of every series. */
function valuesOf(series: ChartSeries[]): number[] {
  return series.flatMap((s) => s.points.flatMap((p) => (p.v !== null && Number.isFinite(p.v) && Number.isFinite(p.t) ? [p.v] : [])));
}

/**
 * A line chart as an inline SVG string. The drawing is 800 units wide and scales to its container
 * (`width="100%"`, the viewBox keeps its proportions); its height grows with the legend's rows.
 * Class names (styled by `chartCss`): chart, chart-title, chart-unit, chart-grid, chart-axis,
 * chart-tick, chart-timezone, chart-empty, chart-legend, chart-legend-item, chart-legend-label,
 * chart-line, chart-series-0 … chart-series-5.
 */
export function renderLineChart(options: LineChartOptions): string {
  const { title, unit, series } = options;
  const shape = options.width === undefined ? WIDE : geometry(options.width);
  if (!Number.isFinite(options.from) || !Number.isFinite(options.to) || !(options.to > options.from))
    throw new RangeError('renderLineChart needs a finite range with from before to');
  const times = series.flatMap((s) => s.points.flatMap((p) => (Number.isFinite(p.t) ? [p.t] : [])));
  const from = times.reduce((a, b) => Math.min(a, b), options.from);
  const to = times.reduce((a, b) => Math.max(a, b), options.to);
  const values = valuesOf(series);
  const empty = values.every((v) => v === 0);

  const yTicks = empty ? [0, 1] : niceTicks(lowest(values), highest(values), { integer: options.integer });
  const y0 = yTicks[0]!;
  const y1 = yTicks[yTicks.length - 1]!;
  const scale: Scale = {
    x: (t) => PLOT_LEFT + ((t - from) / (to - from)) * shape.plotWidth,
    y: (v) => PLOT_BOTTOM - ((v - y0) / (y1 - y0)) * PLOT_HEIGHT,
  };

  const parts: string[] = [];
  parts.push(`<text class="chart-title" x="0" y="20" font-size="15" font-weight="600">${escapeXml(title)}</text>`);
  if (unit !== '') parts.push(`<text class="chart-unit" x="${PLOT_LEFT - 8}" y="${PLOT_TOP - 14}" text-anchor="end" font-size="11">${escapeXml(unit)}</text>`);

  const grid: string[] = [];
  const yLabels: string[] = [];
  if (!empty) {
    for (const tick of yTicks) {
      const y = num(scale.y(tick));
      grid.push(`<line class="chart-grid" x1="${PLOT_LEFT}" y1="${y}" x2="${shape.plotRight}" y2="${y}" stroke="#d8dee4"/>`);
      yLabels.push(`<text class="chart-tick" x="${PLOT_LEFT - 8}" y="${y}" dy="4" text-anchor="end">${escapeXml(formatValue(tick))}</text>`);
    }
  }
  const xLabels = timeTicks(from, to, shape.maxXLabels).map(
    (tick) => `<text class="chart-tick" x="${num(scale.x(tick.t))}" y="${PLOT_BOTTOM + 18}" text-anchor="middle">${escapeXml(tick.label)}</text>`,
  );
  parts.push(`<g class="chart-grid-lines">${grid.join('')}</g>`);
  parts.push(
    `<line class="chart-axis" x1="${PLOT_LEFT}" y1="${PLOT_BOTTOM}" x2="${shape.plotRight}" y2="${PLOT_BOTTOM}" stroke="#4a5461"/>`,
    `<g class="chart-ticks" font-size="11">${yLabels.join('')}${xLabels.join('')}` +
      `<text class="chart-timezone" x="${shape.plotRight}" y="${PLOT_BOTTOM + 36}" text-anchor="end">UTC</text></g>`,
  );

  let summary: string;
  let height = LEGEND_TOP;
  if (empty) {
    const text = options.emptyText ?? DEFAULT_EMPTY_TEXT;
    parts.push(
      `<text class="chart-empty" x="${PLOT_LEFT + shape.plotWidth / 2}" y="${PLOT_TOP + PLOT_HEIGHT / 2}" text-anchor="middle" font-size="14">${escapeXml(text)}</text>`,
    );
    summary = text;
  } else {
    series.forEach((s, i) => {
      const d = linePath(s.points, scale);
      if (d !== '') parts.push(`<path ${lineStyle(i)} d="${d}"/>`);
      const dots = lonePoints(d);
      if (dots !== '') parts.push(`<path ${dotStyle(i)} d="${dots}"/>`);
    });
    const shown = legend(series, shape);
    parts.push(shown.markup);
    height += shown.height;
    summary = series
      .map((s) => {
        const own = valuesOf([s]);
        return own.length === 0 ? `${s.name}: no data` : `${s.name}: peak ${formatValue(highest(own))}${unit === '' ? '' : ` ${unit}`}`;
      })
      .join('; ');
  }
  const label = `${title}, ${formatInstant(from)} to ${formatInstant(to)} UTC. ${summary}.`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="${options.className ? `chart ${escapeXml(options.className)}` : 'chart'}" width="100%" viewBox="0 0 ${shape.width} ${height}" preserveAspectRatio="xMidYMid meet" role="img" aria-label="${escapeXml(label)}">` +
    `<title>${escapeXml(label)}</title>${parts.join('')}</svg>`
  );
}
