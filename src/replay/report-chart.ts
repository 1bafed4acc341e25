import { Resvg } from "@resvg/resvg-js";
import { D } from "../decimal.js";
import type { ReportSeries } from "./report-series.js";

/**
 * chart.png: the account's value against buy-and-hold and the 60/40 portfolio, with the drawdown underneath, as
 * hand-built SVG rendered by resvg (no browser, no chart library). Values stay Decimal until they become pixels.
 * Fonts come from the system as in the Telegram chart (DejaVu Sans named, any system font as fallback); a machine
 * with none still gets the lines, without labels, and `chartLabelled` says so.
 */

const W = 960;
const H = 600;
const FONT = "DejaVu Sans";
const TOP = { left: 90, right: 930, top: 80, bottom: 390 };
const LOW = { left: 90, right: 930, top: 425, bottom: 555 };
const LINES = [
  { key: "value", label: "Portfolio", color: "#2a6fdb", width: 2.5 },
  { key: "hold", label: "Buy and hold", color: "#8a8a8a", width: 1.5 },
  { key: "mix", label: "60/40 BTC/ETH", color: "#f7931a", width: 1.5 },
] as const;

type Pt = { t: number; v: D };

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const text = (x: number, y: number, s: string, attrs: string) =>
  `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;
const LABEL = 'font-size="12" fill="#666"';

/** A round step (1, 2, 2.5 or 5 × 10ⁿ) giving about four grid lines over the range. */
function niceStep(range: D): D {
  const rough = range.div(4);
  const mag = new D(10).pow(rough.log(10).floor());
  for (const m of ["1", "2", "2.5", "5"]) if (mag.mul(m).gte(rough)) return mag.mul(m);
  return mag.mul(10);
}

/**
 * At most two points per pixel column (the lowest and the highest, in time order), so a year of 15-minute
 * samples draws as fast as a week and no trough falls between the points kept.
 */
function thin(points: readonly Pt[], columns: number): Pt[] {
  if (points.length <= columns * 2) return [...points];
  const out: Pt[] = [];
  const per = points.length / columns;
  for (let c = 0; c < columns; c++) {
    const end = Math.floor((c + 1) * per);
    let lo = points[Math.floor(c * per)] as Pt;
    let hi = lo;
    for (let i = Math.floor(c * per) + 1; i < end; i++) {
      const p = points[i] as Pt;
      if (p.v.lt(lo.v)) lo = p;
      else if (p.v.gt(hi.v)) hi = p;
    }
    out.push(...(lo.t <= hi.t ? [lo, hi] : [hi, lo]));
  }
  return out;
}

interface Axes {
  x: (t: number) => number;
  y: (v: D) => number;
}

function xAxis(t0: number, t1: number): (t: number) => number {
  const span = t1 - t0;
  return (t) =>
    span === 0 ? (TOP.left + TOP.right) / 2 : TOP.left + ((t - t0) / span) * (TOP.right - TOP.left);
}

function polyline(points: readonly Pt[], axes: Axes, color: string, width: number): string {
  const xy = points.map((p) => `${axes.x(p.t).toFixed(1)},${axes.y(p.v).toFixed(1)}`).join(" ");
  return `<polyline points="${xy}" fill="none" stroke="${color}" stroke-width="${width}" stroke-linejoin="round"/>`;
}

function valuePanel(series: ReportSeries, x: (t: number) => number): string {
  let min = series.points[0]?.value ?? new D(0);
  let max = min;
  for (const p of series.points) {
    for (const v of [p.value, p.hold, p.mix]) {
      if (v.lt(min)) min = v;
      else if (v.gt(max)) max = v;
    }
  }
  if (min.eq(max)) {
    const pad = min.isZero() ? new D(1) : min.abs().div(100);
    [min, max] = [min.sub(pad), max.add(pad)];
  }
  const step = niceStep(max.sub(min));
  const lo = min.div(step).floor().mul(step);
  const hi = max.div(step).ceil().mul(step);
  const y = (v: D) => TOP.bottom - v.sub(lo).div(hi.sub(lo)).toNumber() * (TOP.bottom - TOP.top);
  const out: string[] = [];
  const dp = step.lt(1) ? step.decimalPlaces() : 0;
  for (let g = lo; g.lte(hi); g = g.add(step)) {
    const gy = y(g).toFixed(1);
    out.push(
      `<line x1="${TOP.left}" y1="${gy}" x2="${TOP.right}" y2="${gy}" stroke="#e5e5e5"/>`,
      text(TOP.left - 8, y(g) + 4, g.toFixed(dp), `text-anchor="end" ${LABEL}`),
    );
  }
  out.push(text(TOP.left - 8, TOP.top - 12, "USDT", `text-anchor="end" ${LABEL}`));
  const columns = TOP.right - TOP.left;
  // The benchmarks first, so the account's own line is drawn over them where they meet.
  for (const line of [...LINES].reverse()) {
    const pts = thin(
      series.points.map((p) => ({ t: p.timeMs, v: p[line.key] })),
      columns,
    );
    out.push(polyline(pts, { x, y }, line.color, line.width));
  }
  LINES.forEach((line, i) => {
    const lx = TOP.left + i * 170;
    out.push(
      `<rect x="${lx}" y="50" width="14" height="4" fill="${line.color}"/>`,
      text(lx + 20, 56, line.label, 'font-size="13" fill="#333"'),
    );
  });
  return out.join("");
}

function drawdownPanel(series: ReportSeries, x: (t: number) => number): string {
  const pts = series.points.map((p) => ({ t: p.timeMs, v: p.drawdownPct }));
  const worst = pts.reduce((m, p) => (p.v.gt(m) ? p.v : m), new D(0));
  const bottom = worst.isZero() ? new D(1) : worst.div(niceStep(worst)).ceil().mul(niceStep(worst));
  const y = (v: D) => LOW.top + v.div(bottom).toNumber() * (LOW.bottom - LOW.top);
  const line = thin(pts, LOW.right - LOW.left);
  const first = line[0] as Pt;
  const last = line[line.length - 1] as Pt;
  const xy = line.map((p) => `${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(" L");
  return [
    text(LOW.left, LOW.top - 10, "Drawdown from the running peak", 'font-size="13" fill="#333"'),
    `<line x1="${LOW.left}" y1="${LOW.top}" x2="${LOW.right}" y2="${LOW.top}" stroke="#e5e5e5"/>`,
    `<line x1="${LOW.left}" y1="${LOW.bottom}" x2="${LOW.right}" y2="${LOW.bottom}" stroke="#e5e5e5"/>`,
    text(LOW.left - 8, LOW.top + 4, "0 %", `text-anchor="end" ${LABEL}`),
    text(LOW.left - 8, LOW.bottom + 4, `-${bottom.toFixed()} %`, `text-anchor="end" ${LABEL}`),
    `<path d="M${x(first.t).toFixed(1)},${LOW.top} L${xy} L${x(last.t).toFixed(1)},${LOW.top} Z" ` +
      `fill="#c0392b" fill-opacity="0.35" stroke="#c0392b" stroke-width="1"/>`,
  ].join("");
}

function timeLabels(t0: number, t1: number, x: (t: number) => number): string {
  const days = (t1 - t0) / 86_400_000;
  const label = (t: number) => {
    const iso = new Date(t).toISOString();
    return days > 2 ? iso.slice(0, 10) : `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
  };
  const ticks: [number, string][] =
    t1 === t0
      ? [[t0, "middle"]]
      : [
          [t0, "start"],
          [t0 + (t1 - t0) / 2, "middle"],
          [t1, "end"],
        ];
  return ticks.map(([t, a]) => text(x(t), LOW.bottom + 22, label(t), `text-anchor="${a}" ${LABEL}`)).join("");
}

export function reportSvg(series: ReportSeries, title: string): string {
  const first = series.points[0];
  const last = series.points[series.points.length - 1];
  if (!first || !last)
    throw new Error("a replay series is never empty (computeSeries refuses an empty record)");
  const x = xAxis(first.timeMs, last.timeMs);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    text(TOP.left, 32, title, 'font-size="18" font-weight="bold" fill="#222"'),
    valuePanel(series, x),
    drawdownPanel(series, x),
    timeLabels(first.timeMs, last.timeMs, x),
    "</svg>",
  ].join("");
}

const RESVG_OPTIONS = { font: { loadSystemFonts: true, defaultFontFamily: FONT }, background: "#ffffff" };

let fontsFound: boolean | undefined;
/** Whether resvg finds any font to draw text with: a word rendered alone has a box only if it does. */
export function chartFontsAvailable(): boolean {
  fontsFound ??=
    new Resvg(
      `<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30"><text x="2" y="20">Ag</text></svg>`,
      RESVG_OPTIONS,
    ).getBBox() !== undefined;
  return fontsFound;
}

export function reportChart(series: ReportSeries, title: string): { png: Buffer; chartLabelled: boolean } {
  const png = new Resvg(reportSvg(series, title), RESVG_OPTIONS).render().asPng();
  return { png, chartLabelled: chartFontsAvailable() };
}
