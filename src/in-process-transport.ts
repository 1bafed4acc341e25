import type { HttpRequest, HttpResponse, Transport } from "./api/index.js";
import { TransportFailure } from "./api/transport.js";
import type { Clock } from "./clock.js";
import { SimDropped, type Simulator } from "./sim/index.js";

/**
 * The client's transport bound to a simulator in the same process: the same signing, limits and parsing as over
 * HTTP, without a socket. For tools that need a market but no server (npm run pnl in sim mode) and for replays.
 */
export function inProcessTransport(sim: Simulator, clock: Clock): Transport {
  return {
    async send(req: HttpRequest): Promise<HttpResponse> {
      const { path, query } = pathAndQuery(req.url);
      const sentAt = clock.now();
      const t0 = performance.now();
      let res: Awaited<ReturnType<Simulator["handle"]>>;
      try {
        res = await sim.handle({
          method: req.method,
          path,
          query,
          body: "",
          // The simulator only reads them, before its first await.
          headers: req.headers,
          ip: "127.0.0.1",
        });
      } catch (err) {
        // Over HTTP the simulator destroys the socket (a dropped connection, or a delayed answer cut off by
        // sim.dispose()); the client must see the same reset node:http raises (node-http-transport.ts).
        if (err instanceof SimDropped || (err instanceof Error && err.name === "AbortError"))
          throw new TransportFailure(
            { code: "ECONNRESET", message: "socket hang up (connection dropped by the simulator)" },
            true,
            performance.now() - t0,
          );
        throw err;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(res.headers)) headers[k.toLowerCase()] = v;
      return {
        status: res.status,
        headers,
        body: res.body,
        sentAt,
        receivedAt: clock.now(),
        httpMs: performance.now() - t0,
      };
    },
  };
}

/**
 * Characters WHATWG URL leaves as they are: a path without dot segments or escapes, a query without space, quotes,
 * '#', '<', '>' (the special-query percent-encode set) or anything beyond ASCII. The client's URLs always are;
 * splitting them by hand saves a URL object per request (a replay sends ~9,000 a simulated day).
 */
const PLAIN_URL =
  /^https?:\/\/[A-Za-z0-9.-]+(?::\d+)?(\/[A-Za-z0-9_/-]*)(?:\?([A-Za-z0-9%=&_.~!*()+,;:@$/-]*))?$/;

/** `url.pathname`, and `url.search` without its '?', as new URL(url) gives them. */
export function pathAndQuery(url: string): { path: string; query: string } {
  const m = PLAIN_URL.exec(url);
  if (m) return { path: m[1] as string, query: m[2] ?? "" };
  const u = new URL(url);
  return { path: u.pathname, query: u.search.startsWith("?") ? u.search.slice(1) : u.search };
}
