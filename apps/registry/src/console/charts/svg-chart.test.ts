import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../../../tools/test/seeded-random.js';
import { type ChartPoint, type ChartSeries, escapeXml, formatValue, linePath, lonePoints, niceTicks, renderLineChart, timeTicks } from './svg-chart.js';

/**
 * No XML parser is a dependency, so this checks well-formedness itself: one root element, every
 * tag closed in order, attributes quoted and not repeated, and no raw `<` or bare `&` in text or
 * attribute values.
 */
function assertWellFormed(xml: string): void {
  const token = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  const bareAmpersand = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;
  const stack: string[] = [];
  let roots = 0;
  let at = 0;
  while (at < xml.length) {
    token.lastIndex = at;
    const m = token.exec(xml);
    if (m === null) throw new Error(`not well-formed at ${at}: ${xml.slice(at, at + 60)}`);
    const [, closing, name, attributes, selfClosing, text] = m;
    if (text !== undefined) {
      if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root: ${text.slice(0, 40)}`);
      if (bareAmpersand.test(text)) throw new Error(`bare & in text: ${text.slice(0, 60)}`);
    } else if (closing) {
      if (attributes || selfClosing) throw new Error(`bad closing tag </${name}>`);
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      const names = [...attributes!.matchAll(/([A-Za-z_:][\w:.-]*)="([^"]*)"/g)].map(([, attr, value]) => {
        if (bareAmpersand.test(value!)) throw new Error(`bare & in ${attr}="${value}"`);
        return attr;
      });
      if (new Set(names).size !== names.length) throw new Error(`<${name}> repeats an attribute`);
      if (stack.length === 0) roots++;
      if (!selfClosing) stack.push(name!);
    }
    at = token.lastIndex;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`${roots} root elements`);
}

/** The absolute points of each subpath of a chart line's `d` (M, l and h commands only). */
function subpaths(d: string): { x: number; y: number }[][] {
  const paths: { x: number; y: number }[][] = [];
  let x = 0;
  let y = 0;
  for (const [, command, args] of d.matchAll(/([MlhLH])([^MlhLH]*)/g)) {
    const n = [...args!.matchAll(/-?(?:\d+\.?\d*|\.\d+)/g)].map((m) => Number(m[0]));
    if (command === 'M') {
      [x, y] = [n[0]!, n[1]!];
      paths.push([{ x, y }]);
    } else if (command === 'l') {
      for (let i = 0; i < n.length; i += 2) {
        x += n[i]!;
        y += n[i + 1]!;
        paths.at(-1)!.push({ x, y });
      }
    } else if (command === 'h') {
      x += n[0]!;
      paths.at(-1)!.push({ x, y });
    } else throw new Error(`unexpected path command ${command}`);
  }
  return paths;
}

function pathsOf(svg: string): string[] {
  return [...svg.matchAll(/<path [^>]*\bd="([^"]*)"/g)].map((m) => m[1]!);
}

function xLabels(svg: string): string[] {
  return [...svg.matchAll(/<text class="chart-tick" [^>]*text-anchor="middle">([^<]*)<\/text>/g)].map((m) => m[1]!);
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const t0 = Date.UTC(2026, 11, 8, 10, 0);

function hourly(values: (number | null)[], name = 'Requests'): ChartSeries {
  return { name, points: values.map((v, i) => ({ t: t0 + i * HOUR, v })) };
}

describe('niceTicks', () => {
  const maxima = [0.0007, 0.07, 0.9, 1, 3, 7, 9.5, 10, 11, 42, 99, 101, 999, 1234, 5000, 77_777, 123_456, 1e9 + 1];
  it.each(maxima)('start at 0, step 1, 2 or 5 × 10^k, and cover %s with a handful of ticks', (max) => {
    const ticks = niceTicks(0, max);
    expect(ticks[0]).toBe(0);
    expect(ticks.at(-1)).toBeGreaterThanOrEqual(max);
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(11);
    const step = ticks[1]! - ticks[0]!;
    // The top tick is the first multiple of the step at or above the max: no empty band above it.
    expect(ticks.at(-2)).toBeLessThan(max);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]! - ticks[i - 1]!).toBeCloseTo(step, 9);
    const mantissa = Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(6));
    expect([1, 2, 5]).toContain(mantissa);
    // No float noise in the labels' values.
    for (const tick of ticks) expect(Number(tick.toPrecision(10))).toBe(tick);
  });

  it('keeps whole numbers for counts', () => {
    expect(niceTicks(0, 3, { integer: true })).toEqual([0, 1, 2, 3]);
    expect(niceTicks(0, 1, { integer: true })).toEqual([0, 1]);
    expect(niceTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it('covers negative values below 0 too', () => {
    const ticks = niceTicks(-7, 12);
    expect(ticks[0]).toBeLessThanOrEqual(-7);
    expect(ticks).toContain(0);
    expect(ticks.at(-1)).toBeGreaterThanOrEqual(12);
  });
});

describe('formatValue', () => {
  it('writes short labels', () => {
    expect([0, 0.05, 2.5, 250, 1500, 2_000_000, 3e9, 4e12].map(formatValue)).toEqual(['0', '0.05', '2.5', '250', '1.5k', '2M', '3G', '4T']);
  });
});

describe('timeTicks', () => {
  it('labels a 1-hour range HH:MM in UTC', () => {
    const ticks = timeTicks(t0, t0 + HOUR);
    expect(ticks.map((tick) => tick.label)).toEqual(['10:00', '10:10', '10:20', '10:30', '10:40', '10:50', '11:00']);
  });

  it('names the day at midnight in a range of hours', () => {
    const labels = timeTicks(Date.UTC(2026, 11, 7, 18), Date.UTC(2026, 11, 8, 6)).map((tick) => tick.label);
    expect(labels).toContain('Dec 8');
    expect(labels.filter((label) => label !== 'Dec 8').every((label) => /^\d\d:\d\d$/.test(label))).toBe(true);
  });

  it('labels a 30-day range MMM D, a few of them', () => {
    const ticks = timeTicks(Date.UTC(2026, 10, 8), Date.UTC(2026, 11, 8));
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.length).toBeLessThanOrEqual(8);
    for (const tick of ticks) expect(tick.label).toMatch(/^(Nov|Dec) \d{1,2}$/);
    for (const tick of ticks) expect(tick.t % DAY).toBe(0);
  });

  it('labels years of days by month and year', () => {
    const labels = timeTicks(Date.UTC(2023, 0, 15), Date.UTC(2026, 11, 8)).map((tick) => tick.label);
    expect(labels).toEqual(['Jan 2024', 'Jan 2025', 'Jan 2026']);
  });
});

describe('escapeXml', () => {
  it('escapes markup and replaces what XML forbids', () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0001\uD800`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;\uFFFD\uFFFD');
  });
});

describe('linePath', () => {
  const scale = { x: (t: number) => t, y: (v: number) => 100 - v };
  const at = (pairs: [number, number | null][]): ChartPoint[] => pairs.map(([t, v]) => ({ t, v }));

  it('breaks the line at each gap and draws a lone point as a dot', () => {
    const d = linePath(
      at([
        [0, 1],
        [10, 2],
        [20, null],
        [30, 3],
        [40, null],
        [50, 4],
        [60, 5],
      ]),
      scale,
    );
    expect(subpaths(d)).toEqual([
      [
        { x: 0, y: 99 },
        { x: 10, y: 98 },
      ],
      [
        { x: 30, y: 97 },
        { x: 30, y: 97 },
      ],
      [
        { x: 50, y: 96 },
        { x: 60, y: 95 },
      ],
    ]);
    expect(d).toContain('h0');
  });

  it('treats NaN and Infinity as gaps', () => {
    const d = linePath(
      at([
        [0, 1],
        [10, Number.NaN],
        [20, 3],
        [30, Number.POSITIVE_INFINITY],
        [40, 4],
      ]),
      scale,
    );
    expect(subpaths(d)).toHaveLength(3);
    expect(d).not.toMatch(/NaN|Infinity/);
  });

  it('keeps per column only the lowest and highest point, so a spike survives', () => {
    // 10 points per viewBox column, one spike in the middle.
    const points = Array.from({ length: 1000 }, (_, i) => ({ t: i / 10, v: i === 555 ? 90 : 10 + (i % 7) }));
    const [only] = subpaths(linePath(points, scale));
    expect(only!.length).toBeLessThanOrEqual(2 * 100);
    expect(Math.min(...only!.map((p) => p.y))).toBe(10);
    expect(Math.max(...only!.map((p) => p.y))).toBe(90);
  });

  it('drops the middle of flat stretches', () => {
    const points = Array.from({ length: 100 }, (_, i) => ({ t: i * 5, v: 0 }));
    expect(subpaths(linePath(points, scale))).toEqual([
      [
        { x: 0, y: 100 },
        { x: 495, y: 100 },
      ],
    ]);
  });
});

describe('renderLineChart', () => {
  const range = { from: t0, to: t0 + 6 * HOUR };

  it('renders an accessible, scalable chart whose lines are broken at gaps', () => {
    const svg = renderLineChart({ title: 'Latency', unit: 'ms', series: [hourly([12, 15, null, 30, 22, 18], 'p50')], ...range });
    assertWellFormed(svg);
    expect(svg).toMatch(
      /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="chart" width="100%" viewBox="0 0 800 \d+" preserveAspectRatio="xMidYMid meet" role="img" aria-label="[^"]+"/,
    );
    expect(svg).toMatch(/<title>Latency, 2026-12-08 10:00 to 2026-12-08 16:00 UTC\. p50: peak 30 ms\.<\/title>/);
    const [d] = pathsOf(svg);
    expect(subpaths(d!)).toHaveLength(2);
    expect(svg).toContain('>ms</text>');
    expect(svg).toContain('class="chart-legend-label"');
    expect(svg).not.toMatch(/style=|<script|NaN|Infinity/);
  });

  it('draws a point between gaps again as a large dot in its series colour; a run stays a line only', () => {
    const p50 = hourly([null, null, 30, null, 22, 18], 'p50');
    const p99 = hourly([null, null, null, null, null, 40], 'p99');
    const svg = renderLineChart({ title: 'Latency', unit: 'ms', series: [p50, p99], ...range });
    assertWellFormed(svg);
    const ofClass = (name: string) => [...svg.matchAll(new RegExp(`<path class="${name} chart-series-(\\d)"[^>]*\\bd="([^"]*)"`, 'g'))];
    const dots = ofClass('chart-dot');
    // p50: its lone hour 2 (the run of hours 4-5 is no dot); p99: its only hour.
    expect(dots.map((m) => [m[1], subpaths(m[2]!).length])).toEqual([
      ['0', 1],
      ['1', 1],
    ]);
    expect(svg).toMatch(/<path class="chart-dot chart-series-0" fill="none" stroke="#0a58ca" stroke-width="7"/);
    expect(ofClass('chart-line').map((m) => subpaths(m[2]!).length)).toEqual([2, 1]);
    expect(lonePoints(linePath(hourly([1, 2, 3]).points, { x: (t) => t, y: (v) => v }))).toBe('');
  });

  it('labels the y axis with nice ticks covering the highest value', () => {
    const svg = renderLineChart({ title: 'Requests', unit: 'requests', series: [hourly([120, 870, 1234, 40, 0, 7])], integer: true, ...range });
    const yLabels = [...svg.matchAll(/<text class="chart-tick" [^>]*text-anchor="end">([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(yLabels).toEqual(['0', '500', '1k', '1.5k']);
  });

  it.each([
    ['an all-zero series', [hourly([0, 0, 0, 0, 0, 0])]],
    ['an all-gap series', [hourly([null, null, null])]],
    ['a series without points', [{ name: 'Requests', points: [] }]],
    ['no series', []],
  ])('says there was no traffic for %s, without NaN', (_, series) => {
    const svg = renderLineChart({ title: 'Requests', unit: 'requests', series, ...range });
    assertWellFormed(svg);
    expect(svg).toContain('No traffic in this range');
    expect(svg).not.toContain('<path');
    expect(svg).not.toMatch(/NaN|Infinity/);
    // The time axis still says which range had no traffic.
    expect(xLabels(svg)).toContain('12:00');
  });

  it('says what the caller asks when the chart is empty', () => {
    const svg = renderLineChart({ title: 'Errors', unit: 'requests', series: [hourly([0, 0])], emptyText: 'No errors in this range', ...range });
    expect(svg).toContain('No errors in this range');
    expect(svg).not.toContain('No traffic');
  });

  it('never writes NaN or Infinity, whatever the values', () => {
    const odd: ChartSeries[][] = [
      [hourly([5])],
      [hourly([7, 7, 7, 7])],
      [hourly([Number.NaN, 3, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-9])],
      [hourly([1e15, 0])],
      [hourly([-4, 3])],
      [
        {
          name: 'x',
          points: [
            { t: Number.NaN, v: 3 },
            { t: t0, v: 2 },
          ],
        },
      ],
    ];
    for (const series of odd) {
      const svg = renderLineChart({ title: 'Odd', unit: '', series, ...range });
      assertWellFormed(svg);
      expect(svg).not.toMatch(/NaN|Infinity/);
    }
  });

  it('refuses a range that ends before it starts rather than drawing NaN', () => {
    expect(() => renderLineChart({ title: 'x', unit: '', series: [], from: t0, to: t0 })).toThrow(RangeError);
    expect(() => renderLineChart({ title: 'x', unit: '', series: [], from: Number.NaN, to: t0 })).toThrow(RangeError);
  });

  it('escapes every text: series names, title and unit come from user data', () => {
    const evil = `<script>alert("x")</script> & 'quotes'\u0000`;
    const svg = renderLineChart({ title: `API ${evil}`, unit: `<b>`, series: [hourly([1, 2, 3], evil)], ...range });
    assertWellFormed(svg);
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;\uFFFD');
    // The empty chart's texts too.
    const empty = renderLineChart({ title: evil, unit: '', series: [], emptyText: evil, ...range });
    assertWellFormed(empty);
    expect(empty).not.toContain('<script');
  });

  it('shortens a long name in the legend and keeps it whole in the tooltip', () => {
    const hash = 'a'.repeat(64);
    const svg = renderLineChart({ title: 'Requests', unit: '', series: [hourly([1, 2], hash)], ...range });
    expect(svg).toContain(`<title>${hash}</title>`);
    expect(svg).toContain(`>${'a'.repeat(39)}…</text>`);
  });

  it('wraps a long legend into rows and grows the drawing to hold them', () => {
    const one = renderLineChart({ title: 'x', unit: '', series: [hourly([1], 'a')], ...range });
    const many = renderLineChart({
      title: 'x',
      unit: '',
      series: Array.from({ length: 8 }, (_, i) => hourly([i + 1], `series number ${i} of many`)),
      ...range,
    });
    const height = (svg: string) => Number(/viewBox="0 0 800 (\d+)"/.exec(svg)![1]);
    expect(height(many)).toBeGreaterThan(height(one));
    assertWellFormed(many);
  });

  it('stays under 60 KB at 1,500 buckets of noisy traffic in three series', () => {
    const random = seededRandom(42);
    const minute = 60_000;
    const noisy = (name: string, gapEvery: number): ChartSeries => ({
      name,
      points: Array.from({ length: 1500 }, (_, i) => ({ t: t0 + i * minute, v: i % gapEvery === 0 ? null : random() * 1000 })),
    });
    const series = [noisy('p50', 97), noisy('p95', 13), noisy('p99', 5)];
    const svg = renderLineChart({ title: 'Latency', unit: 'ms', series, from: t0, to: t0 + 1500 * minute });
    assertWellFormed(svg);
    expect(svg.length).toBeLessThan(60_000);
    expect(svg).not.toMatch(/NaN|Infinity/);
    // Gaps still break the lines after the simplification.
    expect(subpaths(pathsOf(svg)[2]!).length).toBe(300);
  });

  it('labels the x axis for a 1-hour and a 30-day range', () => {
    const hour = renderLineChart({ title: 'x', unit: '', series: [hourly([1])], from: t0, to: t0 + HOUR });
    expect(xLabels(hour)).toEqual(['10:00', '10:10', '10:20', '10:30', '10:40', '10:50', '11:00']);
    const from = Date.UTC(2026, 10, 8);
    const month = renderLineChart({ title: 'x', unit: '', series: [{ name: 'x', points: [{ t: from, v: 1 }] }], from, to: from + 30 * DAY });
    const labels = xLabels(month);
    expect(labels.length).toBeGreaterThanOrEqual(3);
    for (const label of labels) expect(label).toMatch(/^(Nov|Dec) \d{1,2}$/);
  });
});
