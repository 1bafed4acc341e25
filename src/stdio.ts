import { Writable } from "node:stream";

/**
 * The console may go away while the program runs: `npm start | head -c 100`, a closed terminal, a journald or pm2
 * pipe that is restarted. A write to a closed pipe fails with EPIPE as an 'error' event; with no listener that is
 * an uncaught exception, whose crash report was logged to the same console, failed again, and so on without end:
 * 100 % CPU, gigabytes of memory, SIGTERM never handled (issue 13, defect 1). Here a console that failed once is
 * given up for good; the log file goes on.
 */

const broken = new WeakSet<NodeJS.WritableStream>();
const watched = new WeakSet<NodeJS.WritableStream>();

function markOnError(stream: NodeJS.WritableStream): void {
  if (watched.has(stream)) return;
  watched.add(stream);
  stream.on("error", () => broken.add(stream));
}

/** Call first thing: a failing stdout or stderr becomes "no console" instead of an uncaught exception. */
export function guardStdio(): void {
  markOnError(process.stdout);
  markOnError(process.stderr);
}

/** True while writes to `stream` may still arrive somewhere. */
export function consoleUsable(stream: NodeJS.WritableStream): boolean {
  const s = stream as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean };
  return !broken.has(stream) && !s.destroyed && !s.writableEnded;
}

function writeTo(stream: NodeJS.WritableStream, text: string): void {
  if (!consoleUsable(stream)) return;
  try {
    stream.write(text);
  } catch {
    broken.add(stream);
  }
}

/** Writes to stdout unless it has failed; never throws. */
export function writeOut(text: string): void {
  writeTo(process.stdout, text);
}

/** Writes to stderr unless it has failed; never throws. */
export function writeErr(text: string): void {
  writeTo(process.stderr, text);
}

/**
 * A stream for the logger's console copy: passes records on to `out` while it works and drops them once it has
 * failed, without ever failing itself, so the logger's other destination (the file) is not disturbed.
 */
export function guardedConsole(out: NodeJS.WritableStream): Writable {
  markOnError(out);
  return new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      writeTo(out, typeof chunk === "string" ? chunk : chunk.toString("utf8"));
      cb();
    },
  });
}
