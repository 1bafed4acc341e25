/**
 * The entry point: `npm start` runs it built, as dist/main.js (scripts/start.mjs), and the tests run it from the
 * sources (`node --import tsx src/main.ts`); both behave alike. Two things happen before anything else is even imported:
 * a broken console (EPIPE) stops being able to crash the process, and SIGINT/SIGTERM are listened for. Loading the
 * program's modules takes a while (seconds on a busy small server), and a signal in that time used to kill the
 * process with exit 143 instead of a clean stop (issue 13, defects 1 and 9). Keep the static imports here tiny:
 * redact.ts, signals.ts and stdio.ts import nothing of the program.
 */
import { safeError } from "./redact.js";
import { watchSignals } from "./signals.js";
import { guardStdio, writeErr } from "./stdio.js";

guardStdio();
const signals = watchSignals();
// While the modules load nothing has been opened or started: a signal then ends the process at once, exit 0.
let loaded = false;
signals.onStop((signal) => {
  if (loaded) return;
  writeErr(`${signal}: stopped while loading; nothing was started.\n`);
  process.exit(0);
});

import("./program.js")
  .then(({ runProgram }) => {
    loaded = true;
    return runProgram(process.argv.slice(2), signals);
  })
  .then(
    (code) => process.exit(code),
    (err: unknown) => {
      writeErr(`fatal: ${JSON.stringify(safeError(err))}\n`);
      process.exit(1);
    },
  );
