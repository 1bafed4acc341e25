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
      const url = new URL(req.url);
      const sentAt = clock.now();
      const t0 = performance.now();
      let res: Awaited<ReturnType<Simulator["handle"]>>;
      try {
        res = await sim.handle({
          method: req.method,
          path: url.pathname,
          query: url.search.startsWith("?") ? url.search.slice(1) : url.search,
          body: "",
          headers: { ...req.headers },
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
