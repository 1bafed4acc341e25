/**
 * The console in a terminal, for the operator watching it: one short line per event (who, what, the one thing
 * that decided it), each message once, the pre-flight once as its table. Everything else a record holds stays in
 * the JSON log file (logs/bot.log), which is where to look for the reasons of a decision. Off a terminal the
 * console gets the JSON lines themselves (log.ts), so tools still read every field.
 */

/** Lines of routine records are cut to this many characters; warnings and errors are never cut. */
export const CONSOLE_WIDTH = 120;

const LEVELS: Record<number, string> = {
  10: "TRACE",
  20: "DEBUG",
  30: "INFO ",
  40: "WARN ",
  50: "ERROR",
  60: "FATAL",
};
const COLORS: Record<number, string> = { 10: "90", 20: "36", 30: "32", 40: "33", 50: "31", 60: "35" };
const HIDDEN = new Set(["level", "time", "pid", "hostname", "component", "msg"]);

type Rec = Record<string, unknown>;

/** The console's line for one JSON log record, with its newline; "" for a record the console leaves out. */
export function prettyLine(json: string, color: boolean): string {
  let rec: Rec;
  try {
    rec = JSON.parse(json) as Rec;
  } catch {
    return `${json}\n`;
  }
  const level = typeof rec.level === "number" ? rec.level : 30;
  const time = new Date(typeof rec.time === "number" ? rec.time : 0).toISOString().slice(11, 19);
  const body = shortBody(rec, level);
  if (body === undefined) return "";
  const lvl = color
    ? `\x1b[${COLORS[level] ?? "0"}m${LEVELS[level] ?? level}\x1b[0m`
    : (LEVELS[level] ?? String(level));
  const line = `${time} ${lvl} ${body}`;
  // The level's colour codes take no room on the screen.
  const room = CONSOLE_WIDTH + (line.length - `${time} ${LEVELS[level] ?? level} ${body}`.length);
  return `${level >= 40 ? line : cut(line, room)}\n`;
}

/** What a record says on the console after time and level, or undefined to leave it out. */
function shortBody(rec: Rec, level: number): string | undefined {
  const msg = String(rec.msg ?? "");
  // The pre-flight prints its own table of every check (preflight.ts); its records are for the file.
  if (typeof rec.check === "string" && msg.startsWith("pre-flight ")) return undefined;
  // A message printed by the console sink is on the screen already, in full.
  if (msg === "message sent" && rec.sink === "console") return undefined;
  if (msg === "message sent") return `[telegram] ✉ ${firstLine(String(rec.text ?? ""))}`;
  if (msg === "decision" && typeof rec.bot === "string")
    return `${rec.bot.padEnd(8)} ${rec.acted ? "✔" : "·"} ${String(rec.summary ?? "")}`;
  if (msg.startsWith("order ") && typeof rec.from === "string" && typeof rec.to === "string") {
    const note = typeof rec.note === "string" ? ` (${rec.note})` : "";
    return `${String(rec.bot ?? "").padEnd(8)} order ${String(rec.symbol)} ${String(rec.side)} ${rec.from} → ${rec.to}${note}`;
  }
  const comp = rec.component ? `[${String(rec.component)}] ` : "";
  const extras = Object.entries(rec)
    .filter(([k]) => !HIDDEN.has(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? oneLine(v) : JSON.stringify(v)}`)
    .join(" ");
  return `${comp}${level >= 40 ? msg : oneLine(msg)}${extras ? ` ${extras}` : ""}`;
}

function firstLine(text: string): string {
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const first = lines[0] ?? "";
  return lines.length > 1 ? `${first} (+${lines.length - 1} lines)` : first;
}

/** A value's line breaks would break the one-record-one-line rule. */
function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ⏎ ");
}

function cut(line: string, width: number): string {
  return line.length <= width ? line : `${line.slice(0, Math.max(0, width - 1))}…`;
}
