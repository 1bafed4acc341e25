import type { Config } from "../config-schema.js";
import { D } from "../decimal.js";
import type { Mode } from "../env.js";
import type { Fill, OrderView } from "../trading/queries.js";
import type { BotView } from "./control-deps.js";
import type { CommandInfo } from "./features/feature.js";
import { amount, bold, code, duration, escapeHtml, italic, table, utcTime } from "./format.js";

/**
 * The text of the control bot's answers, built from plain data so each view can be read and tested on its own.
 * Everything from outside (bot names, reasons, symbols, errors) goes through format.ts's escaping helpers.
 */

export function modeBanner(mode: Mode): string {
  if (mode === "live") return `🔴 ${bold("LIVE")} — real account, real money`;
  if (mode === "paper") return `🟡 ${bold("PAPER")} — real prices, simulated money`;
  return `🟢 ${bold("SIM")} — simulated exchange, nothing real`;
}

export function helpView(mode: Mode, commands: readonly CommandInfo[]): string {
  const lines = commands.map(
    (c) => `/${c.command}${c.args ? ` ${escapeHtml(c.args)}` : ""} — ${escapeHtml(c.description)}`,
  );
  return [
    `${bold("MEXC portfolio bots")} · ${modeBanner(mode)}`,
    "I run the portfolio bots on your MEXC spot account, report what they do and ask before trading where you told them to.",
    "",
    ...lines,
  ].join("\n");
}

export function usage(commands: readonly CommandInfo[], command: string, hint?: string): string {
  const c = commands.find((x) => x.command === command);
  const form = c ? `/${c.command}${c.args ? ` ${c.args}` : ""}` : `/${command}`;
  return `Usage: ${code(form)}${hint ? `\n${escapeHtml(hint)}` : ""}`;
}

const since = (now: number, at: number | undefined) =>
  at === undefined ? "never" : `${duration(now - at)} ago`;

function botLine(b: BotView, now: number): string {
  const icon = !b.enabled ? "⚪️" : b.paused ? "⏸" : b.running ? "🔄" : "▶️";
  const state = !b.enabled
    ? "disabled in the config"
    : b.paused
      ? `paused (${b.why.join(", ")})`
      : b.running
        ? "running now"
        : "active";
  const lines = [`${icon} ${bold(b.name)} — ${escapeHtml(state)}`];
  const next =
    b.nextRunAt === undefined || b.paused
      ? ""
      : b.nextRunAt <= now
        ? ", next run due now"
        : `, next in ${duration(b.nextRunAt - now)}`;
  lines.push(`   last run ${since(now, b.lastRunAt)}${next}`);
  if (b.cooldownUntil !== undefined && b.cooldownUntil > now)
    lines.push(`   cooling down for ${duration(b.cooldownUntil - now)}`);
  if (b.lastDecision) {
    const d = b.lastDecision;
    const why = d.reasons.slice(0, 3).join("; ") + (d.reasons.length > 3 ? "; …" : "");
    lines.push(
      `   ${d.acted ? "acted" : "decided"}: ${escapeHtml(d.summary)}${why ? ` — ${italic(why)}` : ""}`,
    );
  }
  if (b.errorCount > 0)
    lines.push(
      `   ⚠️ errors: ${b.errorCount} (${b.consecutiveErrors} in a row)${b.lastError ? `: ${escapeHtml(b.lastError)}` : ""}`,
    );
  return lines.join("\n");
}

export interface StatusData {
  mode: Mode;
  now: number;
  startedAt: number;
  bots: BotView[];
  killSwitch: boolean;
  riskPause: { reason: string; since: number } | null;
  openOrders: number;
  pendingProposals: number;
  limits: { requests: number; retries: number; count429: number; count418: number; bannedUntil: number };
}

export function statusView(s: StatusData): string {
  const out = [modeBanner(s.mode), `Up ${duration(s.now - s.startedAt)} (since ${utcTime(s.startedAt)})`];
  out.push(
    s.killSwitch
      ? `🛑 ${bold("Kill switch ON")}: no new orders, every bot paused. /resume all lifts it.`
      : "Kill switch: off",
  );
  if (s.riskPause)
    out.push(
      `🛑 ${bold("Buying bots paused")} ${since(s.now, s.riskPause.since)}: ${escapeHtml(s.riskPause.reason)}`,
    );
  out.push(
    "",
    bold("Bots"),
    ...(s.bots.length ? s.bots.map((b) => botLine(b, s.now)) : ["(none configured)"]),
  );
  const l = s.limits;
  const banned = l.bannedUntil > s.now ? ` · ⛔️ banned by MEXC for ${duration(l.bannedUntil - s.now)}` : "";
  out.push(
    "",
    `Exchange: ${l.requests} requests, ${l.retries} retries, ${l.count429}×429, ${l.count418}×418${banned}`,
    `Open orders: ${s.openOrders} · proposals waiting: ${s.pendingProposals}`,
  );
  return out.join("\n");
}

/** The /bots list; the buttons are made by the command, from the same statuses. */
export function botsView(bots: BotView[], now: number): string {
  if (bots.length === 0) return "No bots are configured.";
  return [bold("Bots"), ...bots.map((b) => botLine(b, now))].join("\n");
}

const qty = (s: string | undefined) => (s === undefined ? "" : amount(s));

function orderLine(e: OrderView, now: number): string[] {
  const size = e.quantity ? qty(e.quantity) : `${qty(e.quoteOrderQty)} (quote)`;
  const at = e.price ? ` @ ${amount(e.price)}` : " at market";
  const filled = new D(e.executedQty).isZero() ? "" : `, filled ${amount(e.executedQty)}`;
  return [
    `${bold(`${e.side} ${e.symbol}`)} ${escapeHtml(size + at)} — ${escapeHtml(e.state)}${escapeHtml(filled)}`,
    `   ${escapeHtml(e.bot)}, ${duration(now - e.createdAt)} ago: ${escapeHtml(e.reason)} · ${code(e.clientOrderId)}`,
  ];
}

export function ordersView(open: OrderView[], fills: readonly Fill[], now: number): string {
  const out = [bold(`Open orders (${open.length})`)];
  if (open.length === 0) out.push("none");
  for (const e of [...open].sort((a, b) => a.createdAt - b.createdAt)) out.push(...orderLine(e, now));
  out.push("", bold(`Last ${fills.length} fill${fills.length === 1 ? "" : "s"}`));
  if (fills.length === 0) out.push("none yet");
  else
    out.push(
      table(
        fills.map((f) => [
          new Date(f.time).toISOString().slice(5, 16).replace("T", " "),
          f.side,
          f.symbol,
          amount(f.qty),
          amount(f.price),
        ]),
        { header: ["time (UTC)", "side", "symbol", "qty", "price"] },
      ),
    );
  return out.join("\n");
}

/** Config values as text: Decimals in plain notation (never "1e-7"), lists comma-separated. */
function flatten(prefix: string, v: unknown, out: [string, string][]): void {
  if (D.isDecimal(v)) out.push([prefix, (v as D).toFixed()]);
  else if (Array.isArray(v)) out.push([prefix, v.length ? v.map(String).join(", ") : "(none)"]);
  else if (v !== null && typeof v === "object")
    for (const [k, x] of Object.entries(v)) flatten(prefix ? `${prefix}.${k}` : k, x, out);
  else out.push([prefix, v === undefined ? "(unset)" : String(v)]);
}

export const configSections = (config: Config): string[] => Object.keys(config);

/**
 * The effective thresholds. The config holds no secrets by design (they live in the environment), so every value
 * can be shown; `section` narrows it to one part.
 */
export function configView(config: Config, section?: string): string {
  const rows: [string, string][] = [];
  const source = section ? { [section]: (config as Record<string, unknown>)[section] } : config;
  flatten("", source, rows);
  const title = section ? `Config: ${section}` : "Config in effect";
  return `${bold(title)} (edit src/config.ts and restart to change)\n${table(rows, { align: ["left", "left"] })}`;
}
