import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

/**
 * A stand-in for systemd's notify socket: an AF_UNIX datagram socket (Node.js cannot open one, so a few lines of
 * Python do) that records every datagram and closes the file descriptors a BARRIER=1 passes, as systemd does, so
 * systemd-notify's wait ends.
 */
const RECEIVER = `
import array, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print("LISTENING", flush=True)
while True:
    msg, anc, _flags, _addr = s.recvmsg(4096, socket.CMSG_SPACE(16 * 4))
    for level, kind, data in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
            for fd in fds:
                os.close(fd)
    print(msg.decode().replace("\\n", "|"), flush=True)
`;

/** The Python to run it with (the Debian one first: a version manager's shim can take seconds to start). */
function python(): string | undefined {
  for (const p of ["/usr/bin/python3", "python3"])
    if (spawnSync(p, ["-c", "import socket; socket.AF_UNIX"], { stdio: "ignore" }).status === 0) return p;
  return undefined;
}

/** Why the fake cannot run here, or undefined when it can. */
export function fakeNotifyUnavailable(): string | undefined {
  if (!python()) return "no python3 to play systemd's notify socket";
  if (spawnSync("systemd-notify", ["--version"], { stdio: "ignore" }).status !== 0)
    return "no systemd-notify on this machine";
  return undefined;
}

export interface FakeNotifySocket {
  path: string;
  /** Each datagram, its KEY=VALUE fields; BARRIER=1 datagrams are left out. */
  messages: string[][];
  /** Resolves with the first datagram holding `field` (e.g. "READY=1"). */
  waitFor(field: string, timeoutMs?: number): Promise<string[]>;
  count(field: string): number;
  close(): void;
}

export async function startFakeNotifySocket(): Promise<FakeNotifySocket> {
  const py = python();
  if (!py) throw new Error("no python3");
  const path = join(mkdtempSync(join(tmpdir(), "notify-")), "notify.sock");
  const child = spawn(py, ["-c", RECEIVER, path], { stdio: ["ignore", "pipe", "inherit"] });
  const messages: string[][] = [];
  const waiters: { field: string; resolve: (m: string[]) => void }[] = [];
  const lines = createInterface({ input: child.stdout });
  const listening = new Promise<void>((resolve) => {
    lines.on("line", (line) => {
      if (line === "LISTENING") return resolve();
      const fields = line.split("|");
      if (fields.includes("BARRIER=1")) return;
      messages.push(fields);
      for (const w of waiters.filter((x) => fields.includes(x.field))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(fields);
      }
    });
  });
  await listening;
  if (!existsSync(path)) throw new Error(`the fake notify socket ${path} was not created`);
  return {
    path,
    messages,
    count: (field) => messages.filter((m) => m.includes(field)).length,
    waitFor(field, timeoutMs = 30_000) {
      const seen = messages.find((m) => m.includes(field));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${field} within ${timeoutMs} ms; got ${JSON.stringify(messages)}`)),
          timeoutMs,
        );
        waiters.push({
          field,
          resolve: (m) => {
            clearTimeout(timer);
            resolve(m);
          },
        });
      });
    },
    close: () => child.kill(),
  };
}
