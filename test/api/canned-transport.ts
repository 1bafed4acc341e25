import type { HttpRequest, HttpResponse, Transport } from "../../src/api/index.js";

/** One canned answer: a status (200 unless told) and a body, as MEXC would send them. */
export interface Canned {
  status?: number;
  body: string;
  headers?: Record<string, string>;
}

/**
 * A transport that answers from a table keyed "METHOD /path" (a function may look at the request), and keeps
 * every request it was given. For answers the simulator does not (yet) send: the bodies MEXC's docs and bug
 * reports show. Unknown endpoints answer 404 with MEXC's error shape.
 */
export function cannedTransport(
  table: Record<string, Canned | ((req: HttpRequest) => Canned)>,
): Transport & { sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  return {
    sent,
    async send(req: HttpRequest): Promise<HttpResponse> {
      sent.push(req);
      const key = `${req.method} ${new URL(req.url).pathname}`;
      const entry = table[key];
      const canned =
        typeof entry === "function"
          ? entry(req)
          : (entry ?? { status: 404, body: '{"code":404,"msg":"no route"}' });
      const now = Date.now();
      return {
        status: canned.status ?? 200,
        headers: { "content-type": "application/json", ...canned.headers },
        body: canned.body,
        sentAt: now,
        receivedAt: now,
        httpMs: 0,
      };
    },
  };
}

/** `/api/v3/time` with the server clock as a string, as the real exchange sometimes sends it. */
export const timeAsString = (): Canned => ({ body: `{"serverTime":"${Date.now()}"}` });
