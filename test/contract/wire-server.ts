import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback HTTP server that records requests exactly as they arrive on the wire (raw URL, headers, body bytes)
 * and answers each "METHOD /path" with a canned body. With it the client runs with its real HTTP transport, so
 * the contract covers what axios actually sends, not only what the client hands it.
 */

export interface WireRequest {
  readonly method: string;
  /** The raw request target, "/api/v3/order?symbol=…&signature=…", byte for byte. */
  readonly url: string;
  readonly path: string;
  readonly query: string;
  /** Lower-case names, as node gives them. */
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface WireServer {
  readonly url: string;
  readonly requests: WireRequest[];
  answer(key: string, body: string): void;
  to(method: string, path: string): WireRequest[];
  close(): Promise<void>;
}

export async function startWireServer(): Promise<WireServer> {
  const requests: WireRequest[] = [];
  const answers = new Map<string, string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = req.url ?? "";
      const q = raw.indexOf("?");
      const path = q < 0 ? raw : raw.slice(0, q);
      const method = req.method ?? "";
      requests.push({
        method,
        url: raw,
        path,
        query: q < 0 ? "" : raw.slice(q + 1),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const key = `${method} ${path}`;
      const body =
        answers.get(key) ??
        (key === "GET /api/v3/time" ? JSON.stringify({ serverTime: Date.now() }) : undefined);
      res.writeHead(body === undefined ? 404 : 200, { "content-type": "application/json" });
      res.end(body ?? `{"code":-1,"msg":"no canned answer for ${key}"}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    answer: (key, body) => void answers.set(key, body),
    to: (method, path) => requests.filter((r) => r.method === method && r.path === path),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
