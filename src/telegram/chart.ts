import { Resvg } from "@resvg/resvg-js";
import { D } from "../decimal.js";
import { escapeAttr, escapeHtml, percent, usd } from "./format.js";

/**
 * The portfolio chart as a PNG: hand-built SVG rendered by resvg (about 30 ms, no browser, no chart library).
 * Values stay Decimal until they become pixel coordinates; labels are formatted from the Decimals.
 */

export interface ValuePoint {
  /** Milliseconds since the epoch. */
  time: number;
  valueUsd: string;
}

export interface AllocationSlice {
  label: string;
  valueUsd: string;
}

export interface PortfolioChartInput {
  values: readonly ValuePoint[];
  allocation: readonly AllocationSlice[];
  title?: string;
}

const W = 800;
const H = 490;
const FONT = "DejaVu Sans";
const PLOT = { left: 90, right: 770, top: 70, bottom: 330 };
const BAR = { left: 30, right: 770, top: 385, height: 30 };
const COLORS = [
  "#f7931a",
  "#627eea",
  "#26a17b",
  "#e84142",
  "#8247e5",
  "#f0b90b",
  "#00a3ff",
  "#ff6b9d",
  "#8a8a8a",
];
const MAX_SLICES = 8;

const text = (x: number, y: number, s: string, attrs = "") =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${escapeHtml(s)}</text>`;

function timeLabel(ms: number, spanMs: number): string {
  const iso = new Date(ms).toISOString();
  // Over two days the hour is noise; within a day the date is.
  if (spanMs > 2 * 86_400_000) return iso.slice(5, 10);
  if (spanMs > 86_400_000) return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  return iso.slice(11, 16);
}

/** A round step (1, 2, 2.5 or 5 × 10ⁿ) giving about four grid lines over the range. */
function niceStep(range: D): D {
  const rough = range.div(4);
  const mag = new D(10).pow(rough.log(10).floor());
  for (const m of ["1", "2", "2.5", "5"]) if (mag.mul(m).gte(rough)) return mag.mul(m);
  return mag.mul(10);
}

function valueChart(values: readonly ValuePoint[]): string {
  const out: string[] = [];
  const points = [...values]
    .sort((a, b) => a.time - b.time)
    .map((p) => ({ t: p.time, v: new D(p.valueUsd) }));
  const first = points[0];
  const last = points[points.length - 1];
  if (!first || !last)
    return text(
      (PLOT.left + PLOT.right) / 2,
      (PLOT.top + PLOT.bottom) / 2,
      "No value history yet",
      'text-anchor="middle" font-size="18" fill="#888"',
    );
  let min = D.min(...points.map((p) => p.v));
  let max = D.max(...points.map((p) => p.v));
  if (min.eq(max)) {
    // A flat or single-point history still needs a vertical scale: ±1% around the value (±$1 at zero).
    const pad = min.isZero() ? new D(1) : min.abs().div(100);
    min = min.sub(pad);
    max = max.add(pad);
  }
  const step = niceStep(max.sub(min));
  const lo = min.div(step).floor().mul(step);
  const hi = max.div(step).ceil().mul(step);
  const y = (v: D) =>
    PLOT.bottom -
    v
      .sub(lo)
      .div(hi.sub(lo))
      .mul(PLOT.bottom - PLOT.top)
      .toNumber();
  const span = last.t - first.t;
  const x = (t: number) =>
    span === 0 ? (PLOT.left + PLOT.right) / 2 : PLOT.left + ((t - first.t) / span) * (PLOT.right - PLOT.left);
  const dp = step.lt(1) ? Math.max(2, step.decimalPlaces()) : 0;
  for (let g = lo; g.lte(hi); g = g.add(step)) {
    const gy = y(g);
    out.push(
      `<line x1="${PLOT.left}" y1="${gy.toFixed(1)}" x2="${PLOT.right}" y2="${gy.toFixed(1)}" stroke="#e5e5e5"/>`,
      text(PLOT.left - 8, gy + 4, usd(g, { dp }), 'text-anchor="end" font-size="12" fill="#666"'),
    );
  }
  // The end labels hug the plot's edges inward so they are not cut off by the image border.
  const labels: [number, string][] =
    span === 0
      ? [[first.t, "middle"]]
      : [
          [first.t, "start"],
          [first.t + span / 2, "middle"],
          [last.t, "end"],
        ];
  for (const [t, anchor] of labels) {
    out.push(
      text(x(t), PLOT.bottom + 20, timeLabel(t, span), `text-anchor="${anchor}" font-size="12" fill="#666"`),
    );
  }
  const xy = points.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`);
  if (points.length === 1) {
    out.push(`<circle cx="${x(first.t).toFixed(1)}" cy="${y(first.v).toFixed(1)}" r="5" fill="#2a6fdb"/>`);
  } else {
    const area = `M${xy[0]} L${xy.join(" L")} L${x(last.t).toFixed(1)},${PLOT.bottom} L${x(first.t).toFixed(1)},${PLOT.bottom} Z`;
    out.push(
      `<path d="${area}" fill="#2a6fdb" fill-opacity="0.12"/>`,
      `<polyline points="${xy.join(" ")}" fill="none" stroke="#2a6fdb" stroke-width="2.5" stroke-linejoin="round"/>`,
    );
  }
  out.push(headline(first.v, last.v, points.length));
  return out.join("");
}

/** The last value, top right, and its change since the first point (green up, red down). */
function headline(first: D, last: D, points: number): string {
  const change = first.isZero() ? undefined : last.sub(first).div(first).mul(100);
  const color = change === undefined || change.gte(0) ? "#1a8a3a" : "#c0392b";
  return [
    text(W - 30, 38, usd(last), 'text-anchor="end" font-size="22" font-weight="bold" fill="#222"'),
    change === undefined || points < 2
      ? ""
      : text(W - 30, 58, percent(change), `text-anchor="end" font-size="14" fill="${color}"`),
  ].join("");
}

function allocationBar(slices: readonly AllocationSlice[]): string {
  const out: string[] = [
    text(BAR.left, BAR.top - 12, "Allocation", 'font-size="16" font-weight="bold" fill="#222"'),
  ];
  const items = slices
    .map((s) => ({ label: s.label, v: new D(s.valueUsd) }))
    .filter((s) => s.v.gt(0))
    .sort((a, b) => b.v.cmp(a.v));
  const shown = items.slice(0, MAX_SLICES);
  const rest = items.slice(MAX_SLICES);
  if (rest.length > 0) shown.push({ label: `${rest.length} others`, v: D.sum(...rest.map((r) => r.v)) });
  const total = shown.reduce((acc, s) => acc.add(s.v), new D(0));
  if (total.isZero()) {
    out.push(text(BAR.left, BAR.top + 20, "No holdings", 'font-size="14" fill="#888"'));
    return out.join("");
  }
  const width = BAR.right - BAR.left;
  let x = BAR.left;
  shown.forEach((s, i) => {
    const w = s.v.div(total).mul(width).toNumber();
    out.push(
      `<rect x="${x.toFixed(1)}" y="${BAR.top}" width="${w.toFixed(1)}" height="${BAR.height}" fill="${COLORS[i % COLORS.length]}"/>`,
    );
    x += w;
  });
  // The legend goes in two columns so nine entries still fit under the bar.
  shown.forEach((s, i) => {
    const col = i % 2;
    const row = Math.floor(i / 2);
    const lx = BAR.left + col * 380;
    const ly = BAR.top + BAR.height + 24 + row * 20;
    const share = percent(s.v.div(total).mul(100), 1, false);
    out.push(
      `<rect x="${lx}" y="${ly - 11}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`,
      text(lx + 18, ly, `${s.label}  ${share}  ${usd(s.v)}`, 'font-size="13" fill="#333"'),
    );
  });
  return out.join("");
}

export function portfolioSvg(input: PortfolioChartInput): string {
  const rows = Math.ceil(Math.min(input.allocation.length, MAX_SLICES + 1) / 2);
  const height = Math.max(H, BAR.top + BAR.height + 30 + rows * 20);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="${escapeAttr(FONT)}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    text(30, 38, input.title ?? "Portfolio value", 'font-size="20" font-weight="bold" fill="#222"'),
    valueChart(input.values),
    allocationBar(input.allocation),
    "</svg>",
  ].join("");
}

/** The chart as PNG bytes, ready for `sendPhoto`. */
export function portfolioChart(input: PortfolioChartInput): Buffer {
  const resvg = new Resvg(portfolioSvg(input), {
    font: { loadSystemFonts: true, defaultFontFamily: FONT },
    background: "#ffffff",
  });
  return resvg.render().asPng();
}
