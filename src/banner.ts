import type { Mode } from "./env.js";

const LINES: Record<Mode, string[]> = {
  sim: ["SIMULATED exchange: built-in market, fake money. Nothing reaches MEXC."],
  paper: ["PAPER trading: real MEXC prices, fake money. No order reaches MEXC."],
  live: [
    "!!! LIVE TRADING: REAL MONEY ON YOUR MEXC ACCOUNT !!!",
    "Orders placed by this process are real. Stop it with Ctrl-C or /stop in Telegram.",
  ],
};

/** The first thing printed: which market this process trades on, and where it keeps state and logs. */
export function banner(opts: { mode: Mode; version: string; dataDir: string; logFile: string }): string {
  const rule = opts.mode === "live" ? "!".repeat(72) : "=".repeat(72);
  return [
    rule,
    ` mexc-portfolio-bots ${opts.version}  mode: ${opts.mode.toUpperCase()}`,
    ...LINES[opts.mode].map((l) => ` ${l}`),
    ` state: ${opts.dataDir}`,
    ` logs:  ${opts.logFile}  (follow with: tail -F ${opts.logFile})`,
    rule,
  ].join("\n");
}
