import { execFileSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { D, MexcClient } from "../../src/api/index.js";
import { NodeHttpTransport } from "../../src/api/node-http-transport.js";
import { type HttpRequest, TransportFailure } from "../../src/api/transport.js";
import { RealClock } from "../../src/clock.js";

/**
 * The client's HTTP (node:http / node:https) against plain Node servers that do exactly what a test asks: the
 * bytes it sends, keep-alive and its bound on sockets, and every way an answer can fail to come, with the codes the
 * error kinds read (faults.sim.test.ts checks the same kinds end to end through the simulator).
 */

interface Seen {
  method: string;
  url: string;
  rawHeaders: string[];
  body: Buffer;
  socket: Socket;
}
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

async function listen(server: http.Server | https.Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `${server instanceof https.Server ? "https" : "http"}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A server that records every request and answers with the handler of the moment. */
function recordingServer(make: (h: http.RequestListener) => http.Server | https.Server) {
  const seen: Seen[] = [];
  const state: { handler: Handler } = { handler: (_req, res) => res.end("{}") };
  const server = make((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({
        method: req.method ?? "",
        url: req.url ?? "",
        rawHeaders: req.rawHeaders,
        body: Buffer.concat(chunks),
        socket: req.socket,
      });
      state.handler(req, res);
    });
  });
  return { server, seen, state };
}

const clock = new RealClock();
const get = (url: string): HttpRequest => ({ method: "GET", url, headers: {} });

async function failure(p: Promise<unknown>): Promise<TransportFailure> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(TransportFailure);
    return e as TransportFailure;
  }
  throw new Error("expected the request to fail, it was answered");
}

describe("NodeHttpTransport over http", () => {
  const { server, seen, state } = recordingServer((h) => http.createServer(h));
  let base: string;
  const sockets = new Set<Socket>();
  server.on("connection", (s: Socket) => sockets.add(s));
  beforeAll(async () => {
    base = await listen(server);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });
  const fresh = (opts: { timeoutMs?: number; maxSockets?: number } = {}) => {
    seen.length = 0;
    sockets.clear();
    state.handler = (_req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}");
    return new NodeHttpTransport({ clock, timeoutMs: opts.timeoutMs ?? 2000, ...opts });
  };

  it("sends the caller's headers as given, no body, Content-Length 0 on a POST; reads status, headers, body", async () => {
    const t = fresh();
    state.handler = (_req, res) => {
      res.setHeader("Set-Cookie", ["a=1", "b=2"]);
      res.writeHead(201, { "Content-Type": "application/json", "Retry-After": "3" }).end('{"ok":"é"}');
    };
    const headers = { "X-MEXC-APIKEY": "key", "Content-Type": "application/json" };
    const res = await t.send({
      method: "POST",
      url: `${base}/api/v3/order?symbol=A%20B&signature=ab`,
      headers,
    });
    await t.send({ method: "DELETE", url: `${base}/api/v3/order?x=1`, headers });
    t.close();
    expect(res).toMatchObject({ status: 201, body: '{"ok":"é"}' });
    expect(res.headers).toMatchObject({
      "content-type": "application/json",
      "retry-after": "3",
      "set-cookie": "a=1, b=2",
    });
    const [post, del] = seen;
    expect(post!.url).toBe("/api/v3/order?symbol=A%20B&signature=ab");
    const pairs = (s: Seen) =>
      Object.fromEntries(s.rawHeaders.flatMap((v, i, a) => (i % 2 ? [] : [[v, a[i + 1]]])));
    expect(pairs(post!)).toMatchObject({
      ...headers,
      "Content-Length": "0",
      "User-Agent": "mexc-portfolio-bots",
    });
    expect(post!.body.length).toBe(0);
    expect(del!.method).toBe("DELETE");
    expect(pairs(del!)).toMatchObject(headers);
    expect(del!.body.length).toBe(0);
    // Nothing asks for a compressed answer: a 10 kB klines answer costs less to read as it is.
    expect(post!.rawHeaders.map((h) => h.toLowerCase())).not.toContain("accept-encoding");
  });

  it("decodes an answer the server compressed anyway", async () => {
    const t = fresh();
    state.handler = (_req, res) =>
      res.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync(Buffer.from('[["gz"]]')));
    expect((await t.send(get(`${base}/x`))).body).toBe('[["gz"]]');
    t.close();
  });

  it("keeps connections alive and opens no more than maxSockets", async () => {
    const t = fresh({ maxSockets: 2 });
    let open = 0;
    let most = 0;
    state.handler = (_req, res) => {
      most = Math.max(most, ++open);
      setTimeout(() => {
        open--;
        res.end("{}");
      }, 20);
    };
    await Promise.all(Array.from({ length: 8 }, () => t.send(get(`${base}/x`))));
    for (let i = 0; i < 4; i++) await t.send(get(`${base}/x`));
    t.close();
    expect(seen).toHaveLength(12);
    expect(most).toBe(2);
    expect(sockets.size).toBe(2);
  });

  it("a reset before the answer is ECONNRESET 'socket hang up', which may have reached the server", async () => {
    const t = fresh();
    state.handler = (req) => req.socket.destroy();
    const f = await failure(t.send(get(`${base}/x?signature=abc`)));
    expect(f.safe).toEqual({ code: "ECONNRESET", message: "socket hang up" });
    expect(f.mayHaveReachedServer).toBe(true);
    t.close();
  });

  it("a reset in the middle of the answer is ECONNRESET too", async () => {
    const t = fresh();
    state.handler = (req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write('[["half');
      setTimeout(() => req.socket.destroy(), 10);
    };
    const f = await failure(t.send(get(`${base}/x`)));
    expect(f.safe.code).toBe("ECONNRESET");
    expect(f.mayHaveReachedServer).toBe(true);
    t.close();
  });

  it("no answer in time, or an answer that stalls, is ETIMEDOUT named as axios named it", async () => {
    const t = fresh({ timeoutMs: 150 });
    state.handler = () => {};
    const silent = await failure(t.send(get(`${base}/x`)));
    expect(silent.safe).toEqual({ code: "ETIMEDOUT", message: "timeout of 150ms exceeded" });
    expect(silent.mayHaveReachedServer).toBe(true);
    state.handler = (_req, res) => {
      res.writeHead(200);
      res.write("[");
    };
    expect((await failure(t.send(get(`${base}/x`)))).safe.code).toBe("ETIMEDOUT");
    // The transport is still usable after its requests were cut.
    state.handler = (_req, res) => res.end("{}");
    expect((await t.send(get(`${base}/x`))).status).toBe(200);
    t.close();
  });

  it("follows no redirect: a signed request must not be sent anywhere else", async () => {
    const t = fresh();
    state.handler = (_req, res) => res.writeHead(302, { location: `${base}/elsewhere` }).end();
    expect((await t.send(get(`${base}/x`))).status).toBe(302);
    expect(seen.map((s) => s.url)).toEqual(["/x"]);
    t.close();
  });

  it("close() resets what is in flight, and the transport stays usable", async () => {
    const t = fresh();
    state.handler = () => {};
    const pending = failure(t.send(get(`${base}/x`)));
    while (seen.length === 0) await new Promise((r) => setTimeout(r, 5));
    t.close();
    expect((await pending).safe.code).toBe("ECONNRESET");
    state.handler = (_req, res) => res.end("{}");
    expect((await t.send(get(`${base}/x`))).status).toBe(200);
    t.close();
  });
});

describe("NodeHttpTransport: requests that never left", () => {
  const t = new NodeHttpTransport({ clock, timeoutMs: 5000 });
  afterAll(() => t.close());

  it("a refused connection: ECONNREFUSED, never reached the server", async () => {
    const f = await failure(t.send(get("http://127.0.0.1:1/api/v3/ping?signature=abc")));
    expect(f.safe.code).toBe("ECONNREFUSED");
    expect(f.mayHaveReachedServer).toBe(false);
    expect(f.safe.message).not.toMatch(/signature|http:/);
  });

  it("a name that does not resolve (RFC 6761 .invalid): ENOTFOUND or EAI_AGAIN, never reached the server", async () => {
    const f = await failure(t.send(get("http://api.mexc.invalid/api/v3/ping")));
    expect(["ENOTFOUND", "EAI_AGAIN"]).toContain(f.safe.code);
    expect(f.mayHaveReachedServer).toBe(false);
  });

  it("an unusable URL: never sent", async () => {
    const f = await failure(t.send(get("not a url")));
    expect(f.mayHaveReachedServer).toBe(false);
  });
});

/** A self-signed certificate for 127.0.0.1, made for this run (openssl). */
function selfSigned(): { key: Buffer; cert: Buffer } | undefined {
  const dir = mkdtempSync(join(tmpdir(), "mpb-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        ...[
          "req",
          "-x509",
          "-newkey",
          "ec",
          "-pkeyopt",
          "ec_paramgen_curve:prime256v1",
          "-nodes",
          "-days",
          "1",
        ],
        ...["-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")],
        ...["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
      ],
      { stdio: "ignore" },
    );
    return { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) };
  } catch {
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tls = selfSigned();

describe.skipIf(tls === undefined)("NodeHttpTransport over https (the real base URL's scheme)", () => {
  const SECRET = "tls-secret";
  const { server, seen, state } = recordingServer((h) => https.createServer({ ...tls! }, h));
  let base: string;
  let handshakes = 0;
  server.on("secureConnection", () => handshakes++);
  beforeAll(async () => {
    base = await listen(server);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("refuses a certificate it was not told to trust", async () => {
    const t = new NodeHttpTransport({ clock, timeoutMs: 2000 });
    const f = await failure(t.send(get(`${base}/api/v3/ping`)));
    expect(f.safe.code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/);
    t.close();
  });

  it("carries a signed POST exactly as signed, on one kept-alive TLS connection", async () => {
    seen.length = 0;
    handshakes = 0;
    state.handler = (req, res) => {
      const path = (req.url ?? "").split("?")[0];
      res.writeHead(200, { "content-type": "application/json" });
      if (path === "/api/v3/time") res.end(`{"serverTime":${Date.now()}}`);
      else res.end('{"symbol":"BTCUSDT","orderId":"C02__1","orderListId":-1}');
    };
    const client = new MexcClient({
      baseUrl: base,
      apiKey: "tls-key",
      apiSecret: SECRET,
      checkRules: false,
      transport: new NodeHttpTransport({ clock, timeoutMs: 2000, ca: tls!.cert }),
    });
    try {
      const ack = await client.newOrder({
        symbol: "BTCUSDT",
        side: "BUY",
        type: "LIMIT",
        quantity: new D("0.0001"),
        price: new D("50000"),
        clientOrderId: "tls-1",
      });
      expect(ack.orderId).toBe("C02__1");
    } finally {
      client.close();
    }
    const post = seen.find((s) => s.method === "POST")!;
    const query = post.url.slice(post.url.indexOf("?") + 1);
    const at = query.lastIndexOf("&signature=");
    expect(query.slice(at + "&signature=".length)).toBe(
      createHmac("sha256", SECRET).update(query.slice(0, at)).digest("hex"),
    );
    const headers = post.rawHeaders.map((h, i) => (i % 2 ? h : h.toLowerCase()));
    expect(headers[headers.indexOf("content-type") + 1]).toBe("application/json");
    expect(post.body.length).toBe(0);
    expect(seen.map((s) => `${s.method} ${s.url.split("?")[0]}`)).toEqual([
      "GET /api/v3/time",
      "POST /api/v3/order",
    ]);
    expect(handshakes).toBe(1);
  });
});
