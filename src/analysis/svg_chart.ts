/**
 * A small line-chart renderer writing SVG: stacked panels (each with its own x axis), ticks at
 * "nice" numbers, axis labels, a title, a legend under the panels, and seaborn's five styles
 * (`sns.set_style`: dark, darkgrid, white, whitegrid, ticks), which MMAction2's analyze_logs uses
 * through matplotlib. The SVG is plain (no scripts, no external fonts) so librsvg (sharp)
 * rasterises it to PNG.
 */

export type ChartStyle = 'dark' | 'darkgrid' | 'white' | 'whitegrid' | 'ticks';
export const CHART_STYLES: readonly ChartStyle[] = ['dark', 'darkgrid', 'white', 'whitegrid', 'ticks'];

/** matplotlib's default colour cycle (tab10), which seaborn's set_style leaves in place. */
export const TAB10 = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export interface ChartSeries {
  label: string;
  color: string;
  /** [x, y] pairs; a non-finite y breaks the line there (as matplotlib does for NaN). */
  points: Array<[number, number]>;
  /** Draw a dot at every point (few points, e.g. one validation per epoch). */
  markers?: boolean;
}

export interface ChartPanel {
  xlabel: string;
  ylabel?: string;
  /** Ticks on whole numbers only (iterations, epochs). */
  integerX?: boolean;
  series: ChartSeries[];
}

export interface Chart {
  title?: string | null;
  panels: ChartPanel[];
  legend: Array<{ label: string; color: string }>;
  style?: ChartStyle;
  /** Pixels; default 800 (wider when legend labels need it). */
  width?: number;
  /** Height of each panel's plotting area in pixels; default 280. */
  plotHeight?: number;
}

interface StyleSpec { face: string; grid: string | null; spine: string | null; ticks: boolean }

const TEXT = '#262626';
const STYLES: Record<ChartStyle, StyleSpec> = {
  dark: { face: '#eaeaf2', grid: null, spine: null, ticks: false },
  darkgrid: { face: '#eaeaf2', grid: '#ffffff', spine: null, ticks: false },
  white: { face: '#ffffff', grid: null, spine: TEXT, ticks: false },
  whitegrid: { face: '#ffffff', grid: '#cccccc', spine: '#cccccc', ticks: false },
  ticks: { face: '#ffffff', grid: null, spine: TEXT, ticks: true },
};

const FONT = 12;
const CHAR_W = 0.62 * FONT; // DejaVu Sans' average advance, for layout only

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Axis limits (data range plus matplotlib's 5% margins) and the ticks inside them: the smallest
 * step of 1, 2, 2.5 or 5 x 10^k that gives at most `maxTicks` ticks.
 */
export function niceTicks(lo: number, hi: number, { integer = false, maxTicks = 8 }: { integer?: boolean; maxTicks?: number } = {}): { lo: number; hi: number; ticks: number[]; step: number } {
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) throw new Error(`niceTicks: finite limits expected, got ${lo}..${hi}`);
  if (hi === lo) {
    const d = lo === 0 ? 0.5 : Math.abs(lo) * 0.05;
    lo -= d;
    hi += d;
  } else {
    const m = (hi - lo) * 0.05;
    lo -= m;
    hi += m;
  }
  const raw = (hi - lo) / maxTicks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw * 0.999) ?? 10 * mag;
  if (integer) step = Math.max(1, step === 2.5 * mag ? 2 * mag : step);
  if (integer) step = Math.round(step);
  const first = Math.ceil(lo / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k * step <= hi + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return { lo, hi, ticks, step };
}

/** Tick labels with as many decimals as the step needs ('0.25', '1000', '1e-05'). */
export function formatTick(v: number, step: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || step < 1e-4) {
    const digits = Math.max(0, Math.min(6, Math.ceil(Math.log10(a / step)) - 1));
    return v.toExponential(digits).replace(/\.?0+e/, 'e');
  }
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9)) + (Math.abs(step / 10 ** Math.floor(Math.log10(step) + 1e-9) - 2.5) < 1e-9 ? 1 : 0);
  return v.toFixed(decimals);
}

const n2 = (v: number): string => (Math.round(v * 100) / 100).toString();

function dataRange(series: ChartSeries[], axis: 0 | 1): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (const p of s.points) {
      const v = p[axis];
      if (!Number.isFinite(v) || !Number.isFinite(p[1 - axis])) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [0, 1];
}

/** Splits a series into runs of finite points. */
function runs(points: Array<[number, number]>): Array<Array<[number, number]>> {
  const out: Array<Array<[number, number]>> = [];
  let cur: Array<[number, number]> = [];
  for (const p of points) {
    if (Number.isFinite(p[0]) && Number.isFinite(p[1])) cur.push(p);
    else if (cur.length) { out.push(cur); cur = []; }
  }
  if (cur.length) out.push(cur);
  return out;
}

/** The chart as an SVG document. */
export function renderChartSvg(chart: Chart): string {
  const style = STYLES[chart.style ?? 'dark'];
  if (!style) throw new Error(`unknown style '${String(chart.style)}' (one of ${CHART_STYLES.join(', ')})`);
  if (chart.panels.length === 0) throw new Error('renderChartSvg: no panels');
  const longest = Math.max(0, ...chart.legend.map((l) => l.label.length));
  const width = Math.max(chart.width ?? 800, Math.ceil(longest * CHAR_W + 110));
  const plotH = chart.plotHeight ?? 280;
  const left = 78;
  const right = 24;
  const plotW = width - left - right;
  const top = chart.title ? 44 : 18;
  const panelGap = 62; // tick labels + x label under each panel
  const legendRow = 20;
  const legendTop = top + chart.panels.length * (plotH + panelGap) + 4;
  const height = legendTop + (chart.legend.length ? chart.legend.length * legendRow + 16 : 0) + 8;

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
    `font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-size="${FONT}" fill="${TEXT}">`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  if (chart.title) out.push(`<text class="title" x="${n2(left + plotW / 2)}" y="28" text-anchor="middle" font-size="${FONT + 3}">${escapeXml(chart.title)}</text>`);

  chart.panels.forEach((panel, pi) => {
    const y0 = top + pi * (plotH + panelGap);
    const xs = niceTicks(...dataRange(panel.series, 0), { integer: panel.integerX });
    const ys = niceTicks(...dataRange(panel.series, 1));
    const px = (x: number) => left + ((x - xs.lo) / (xs.hi - xs.lo)) * plotW;
    const py = (y: number) => y0 + plotH - ((y - ys.lo) / (ys.hi - ys.lo)) * plotH;
    const clip = `panel${pi}`;
    out.push(`<g class="panel" data-xlabel="${escapeXml(panel.xlabel)}">`);
    out.push(`<clipPath id="${clip}"><rect x="${left}" y="${y0}" width="${plotW}" height="${plotH}"/></clipPath>`);
    out.push(`<rect class="axes" x="${left}" y="${y0}" width="${plotW}" height="${plotH}" fill="${style.face}"/>`);
    const tickLen = style.ticks ? 5 : 0;
    for (const t of xs.ticks) {
      const x = n2(px(t));
      if (style.grid) out.push(`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y0 + plotH}" stroke="${style.grid}" stroke-width="1"/>`);
      if (tickLen) out.push(`<line x1="${x}" y1="${y0 + plotH}" x2="${x}" y2="${y0 + plotH + tickLen}" stroke="${style.spine}" stroke-width="1"/>`);
      out.push(`<text x="${x}" y="${y0 + plotH + tickLen + 16}" text-anchor="middle">${formatTick(t, xs.step)}</text>`);
    }
    for (const t of ys.ticks) {
      const y = n2(py(t));
      if (style.grid) out.push(`<line x1="${left}" y1="${y}" x2="${left + plotW}" y2="${y}" stroke="${style.grid}" stroke-width="1"/>`);
      if (tickLen) out.push(`<line x1="${left - tickLen}" y1="${y}" x2="${left}" y2="${y}" stroke="${style.spine}" stroke-width="1"/>`);
      out.push(`<text x="${left - tickLen - 6}" y="${n2(Number(y) + 4)}" text-anchor="end">${formatTick(t, ys.step)}</text>`);
    }
    if (style.spine) out.push(`<rect x="${left}" y="${y0}" width="${plotW}" height="${plotH}" fill="none" stroke="${style.spine}" stroke-width="1"/>`);
    out.push(`<text class="xlabel" x="${n2(left + plotW / 2)}" y="${y0 + plotH + tickLen + 40}" text-anchor="middle">${escapeXml(panel.xlabel)}</text>`);
    if (panel.ylabel) {
      const cy = n2(y0 + plotH / 2);
      out.push(`<text class="ylabel" x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})">${escapeXml(panel.ylabel)}</text>`);
    }
    out.push(`<g clip-path="url(#${clip})">`);
    for (const s of panel.series) {
      for (const run of runs(s.points)) {
        const pts = run.map(([x, y]) => `${n2(px(x))},${n2(py(y))}`).join(' ');
        out.push(`<polyline class="series" data-label="${escapeXml(s.label)}" fill="none" stroke="${s.color}" stroke-width="1.5" stroke-linejoin="round" points="${pts}"/>`);
        if (s.markers || run.length === 1) {
          for (const [x, y] of run) out.push(`<circle cx="${n2(px(x))}" cy="${n2(py(y))}" r="3" fill="${s.color}"/>`);
        }
      }
    }
    out.push('</g></g>');
  });

  if (chart.legend.length) {
    const boxW = Math.min(plotW, Math.ceil(longest * CHAR_W + 56));
    out.push('<g class="legend">');
    out.push(`<rect x="${left}" y="${legendTop}" width="${boxW}" height="${chart.legend.length * legendRow + 10}" fill="#ffffff" stroke="#cccccc" rx="3"/>`);
    chart.legend.forEach((l, i) => {
      const y = legendTop + 5 + i * legendRow + legendRow / 2;
      out.push(`<line x1="${left + 10}" y1="${y}" x2="${left + 34}" y2="${y}" stroke="${l.color}" stroke-width="2"/>`);
      out.push(`<text class="legend-label" x="${left + 42}" y="${y + 4}">${escapeXml(l.label)}</text>`);
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
