import { mkdirSync } from "node:fs";
import { Writable } from "node:stream";
import { type DestinationStream, type Logger, multistream, pino, stdSerializers } from "pino";
import { createStream, type RotatingFileStream } from "rotating-file-stream";
import { prettyLine } from "./console-line.js";
import { safeError, scrub } from "./redact.js";
import { guardedConsole, writeErr } from "./stdio.js";

export type { Logger } from "pino";

export type Component = "main" | "bot" | "api" | "trading" | "portfolio" | "telegram" | "store" | "sim";

export interface LogOptions {
  dir: string;
  level?: string;
  /** Where console output goes: "pretty" lines for people, "json" lines, or nothing. */
  console?: "pretty" | "json" | "none";
  /** Rotate when the current file reaches this size (rotating-file-stream syntax: "10M", "500K"). */
  maxSize?: string;
  /** Also rotate at this interval ("1d"); undefined rotates by size only. */
  interval?: string;
  /** Rotated files kept besides the current one. */
  maxFiles?: number;
  /** Name of the current file inside `dir`; rotated files get a time-stamped suffix. */
  fileName?: string;
  /** Where console lines go (tests capture them). */
  consoleStream?: NodeJS.WritableStream;
}

export interface Logs {
  root: Logger;
  child(component: Component): Logger;
  /** Flushes and closes the files; call once at shutdown. */
  close(): Promise<void>;
  readonly filePath: string;
}

function prettyStream(out: NodeJS.WritableStream, color: boolean): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString("utf8").split("\n")) {
        const text = line ? prettyLine(line, color) : "";
        if (text) out.write(text);
      }
      cb();
    },
  });
}

/** The rotated files are named bot.log.<yyyymmdd-hhmmss>-<n> so `ls` sorts them by age. */
function nameGenerator(fileName: string) {
  return (time: number | Date | null, index?: number): string => {
    if (!time) return fileName;
    const d = typeof time === "number" ? new Date(time) : time;
    const stamp = d.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
    return `${fileName}.${stamp}-${index ?? 1}`;
  };
}

export function createLogs(opts: LogOptions): Logs {
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const fileName = opts.fileName ?? "bot.log";
  const file = rotatingFile(opts, fileName);
  const level = opts.level ?? "info";
  const streams: { stream: DestinationStream; level: pino.Level }[] = [
    { stream: file as unknown as DestinationStream, level: level as pino.Level },
    ...consoleStreams(opts, level as pino.Level),
  ];
  const root = pino(
    {
      level,
      base: undefined,
      serializers: {
        err: safeErrorSerializer,
        error: safeErrorSerializer,
        req: stdSerializers.req,
      },
      // Path redaction for the fields we know; the streamWrite scrub below catches what paths cannot.
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      // Errors anywhere in a record become safe objects: a raw AxiosError serializes its headers and signed URL.
      formatters: { log: (obj) => replaceErrors(obj, 0) as Record<string, unknown> },
      hooks: { streamWrite: scrub },
    },
    multistream(streams),
  );

  return {
    root,
    filePath: `${opts.dir}/${fileName}`,
    child: (component) => root.child({ component }),
    close: () =>
      new Promise<void>((resolve) => {
        root.flush?.();
        file.end(() => resolve());
      }),
  };
}

const REDACTED_PATHS = [
  "apiKey",
  "apiSecret",
  "secret",
  "token",
  "signature",
  "headers",
  "config.headers",
  "*.apiKey",
  "*.apiSecret",
  "*.secret",
  "*.token",
  "*.signature",
  "*.headers",
];

function rotatingFile(opts: LogOptions, fileName: string): RotatingFileStream {
  const file: RotatingFileStream = createStream(nameGenerator(fileName), {
    path: opts.dir,
    size: opts.maxSize ?? "10M",
    ...(opts.interval ? { interval: opts.interval } : {}),
    maxFiles: opts.maxFiles ?? 14,
    // rotating-file-stream keeps its list of rotated files here; hidden so `ls logs` shows only logs.
    history: `.${fileName}.history`,
    mode: 0o600,
  });
  // A broken disk must not crash the bots; it is reported once on stderr.
  let reported = false;
  file.on("error", (err) => {
    // A record of work abandoned by the stop, arriving after close: dropped, it is no disk problem.
    if ((err as NodeJS.ErrnoException).code === "ERR_STREAM_WRITE_AFTER_END") return;
    if (!reported) writeErr(`log file error: ${scrub(String(err))}\n`);
    reported = true;
  });
  return file;
}

function consoleStreams(
  opts: LogOptions,
  level: pino.Level,
): { stream: DestinationStream; level: pino.Level }[] {
  const consoleMode = opts.console ?? "none";
  const target = opts.consoleStream ?? process.stdout;
  // A console whose reader went away (EPIPE) is dropped, never retried and never a crash: the file goes on.
  const out = guardedConsole(target);
  if (consoleMode === "pretty") {
    const color = Boolean((target as NodeJS.WriteStream).isTTY);
    return [{ stream: prettyStream(out, color) as unknown as DestinationStream, level }];
  }
  if (consoleMode === "json") return [{ stream: out as unknown as DestinationStream, level }];
  return [];
}

function replaceErrors(v: unknown, depth: number): unknown {
  if (v instanceof Error) return safeError(v);
  if (depth > 4 || v === null || typeof v !== "object" || Array.isArray(v)) return v;
  let changed = false;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const y = replaceErrors(x, depth + 1);
    if (y !== x) changed = true;
    out[k] = y;
  }
  return changed ? out : v;
}

function safeErrorSerializer(err: unknown): unknown {
  return safeError(err);
}

/** A logger that writes nowhere, for code paths and tests that do not care. */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}
