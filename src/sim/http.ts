import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SimResponse } from "./routes.js";
import type { Simulator } from "./simulator.js";

export interface SimServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Plain node:http in front of `Simulator.handle`; a dropped-connection fault destroys the socket unanswered. */
export async function serve(sim: Simulator, port = 0, host = "127.0.0.1"): Promise<SimServer> {
  const server: Server = createServer((req, res) => {
    void respond(sim, req, res);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${addr.port}`,
    port: addr.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function respond(sim: Simulator, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  try {
    for await (const c of req) chunks.push(c as Buffer);
  } catch {
    return;
  }
  const raw = req.url ?? "/";
  const q = raw.indexOf("?");
  let answer: SimResponse;
  try {
    answer = await sim.handle({
      method: req.method ?? "GET",
      path: q < 0 ? raw : raw.slice(0, q),
      query: q < 0 ? "" : raw.slice(q + 1),
      body: Buffer.concat(chunks).toString("utf8"),
      headers: req.headers,
      ip: req.socket.remoteAddress ?? "127.0.0.1",
    });
  } catch {
    // Dropped-connection fault, or the simulator was disposed while this answer waited.
    req.socket.destroy();
    return;
  }
  if (res.destroyed) return;
  res.writeHead(answer.status, { ...answer.headers, "content-length": Buffer.byteLength(answer.body) });
  res.end(answer.body);
}
