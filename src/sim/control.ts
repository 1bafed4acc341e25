import { z } from "zod";
import { Errors, SimError } from "./errors.js";
import type { RouteCtx, RouteTable } from "./routes.js";
import type { Simulator } from "./simulator.js";

const failNext = z.object({
  endpoint: z.string(),
  count: z.number().int().positive().optional(),
  status: z.number().int(),
  body: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
  headers: z.record(z.string(), z.string()).optional(),
});
const acceptThen = z.object({
  mode: z.enum(["503", "drop", "stall"]),
  count: z.number().int().positive().optional(),
  stallMs: z.number().nonnegative().optional(),
});
const hideOrders = z.object({ ms: z.number().nonnegative(), count: z.number().int().positive().optional() });
const ms = z.object({ ms: z.number() });
const maintenance = z.object({
  untilMs: z.number(),
  code: z.number().int().optional(),
  msg: z.string().optional(),
  status: z.number().int().min(100).max(599).optional(),
  textField: z.enum(["msg", "message"]).optional(),
});
const malformedNext = z.object({
  endpoint: z.string(),
  count: z.number().int().positive().optional(),
  kind: z.enum(["json", "type"]).optional(),
});
const randomFaults = z.object({
  rate: z.number().min(0).max(1),
  kinds: z.array(z.enum(["5xx", "429", "drop", "accept503", "acceptDrop", "slow", "malformed"])),
  seed: z.number().int().optional(),
  slowMs: z.number().nonnegative().optional(),
});
const regime = z.object({
  symbol: z.string(),
  kind: z.enum(["pump", "dip", "trend"]),
  startMs: z.number().optional(),
  durationMs: z.number().positive().optional(),
  change: z.number().optional(),
  volumeBoost: z.number().nonnegative().optional(),
});

function body<T>(schema: z.ZodType<T>, raw: string): T {
  let json: unknown = {};
  if (raw.trim() !== "") {
    try {
      json = JSON.parse(raw);
    } catch {
      throw Errors.paramError("control body is not JSON");
    }
  }
  const r = schema.safeParse(json);
  if (!r.success)
    throw Errors.paramError(r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return r.data;
}

/**
 * /__sim/* routes (only with the `control` option): the in-process fault and market controls over HTTP, for
 * tests that run the simulator in another process. Bodies are JSON objects named like the method arguments.
 */
export function controlRoutes(sim: Simulator): RouteTable {
  const t: RouteTable = new Map();
  const weight = (): number => 0;
  const post = (name: string, fn: (raw: string) => unknown): void => {
    t.set(`POST /__sim/${name}`, {
      signed: false,
      weight,
      handle: async (ctx) => (await fn(ctx.body)) ?? {},
    });
  };
  const get = (name: string, fn: (ctx: RouteCtx) => unknown): void => {
    t.set(`GET /__sim/${name}`, { signed: false, weight, handle: fn });
  };

  get("stats", () => sim.stats);
  get("time", () => ({ serverTime: sim.serverTime() }));
  get("account", (ctx) => wrap(() => sim.account(ctx.params.get("apiKey"))));
  get("price", (ctx) => {
    const symbol = ctx.params.require("symbol");
    return { symbol, price: wrap(() => sim.market.price(symbol)) };
  });
  get("flows", () => sim.market.flows());
  post("tick", async () => {
    await sim.market.tick();
  });
  post("stats/reset", () => sim.stats.reset());
  post("market/regime", (raw) => {
    const { symbol, ...spec } = body(regime, raw);
    wrap(() => sim.market.regime(symbol, spec));
  });
  post("faults/failNext", (raw) => {
    const { endpoint, ...spec } = body(failNext, raw);
    sim.faults.failNext(endpoint, spec);
  });
  post("faults/acceptThen", (raw) => {
    const { mode, ...opts } = body(acceptThen, raw);
    sim.faults.acceptThen(mode, opts);
  });
  post("faults/hideOrders", (raw) => {
    const b = body(hideOrders, raw);
    sim.faults.hideOrders(b.ms, b.count === undefined ? {} : { count: b.count });
  });
  post("faults/slow", (raw) => sim.faults.slow(body(ms, raw).ms));
  post("faults/skewClock", (raw) => sim.faults.skewClock(body(ms, raw).ms));
  post("faults/maintenance", (raw) => {
    const { untilMs, ...rest } = body(maintenance, raw);
    sim.faults.maintenance(untilMs, rest);
  });
  post("faults/malformedNext", (raw) => {
    const b = body(malformedNext, raw);
    sim.faults.malformedNext(b.endpoint, b.count, b.kind);
  });
  post("faults/randomFaults", (raw) => sim.faults.randomFaults(body(randomFaults, raw)));
  post("faults/clear", () => sim.faults.clear());
  post("rateLimits/reset", () => sim.resetRateLimits());
  return t;
}

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SimError) throw e;
    throw Errors.paramError(e instanceof Error ? e.message : String(e));
  }
}
