import { z } from "zod";
import { contradictions } from "./config-checks.js";
import { D } from "./decimal.js";
import { LEVELS, MESSAGE_TYPES, type MessageType } from "./telegram/levels.js";

/**
 * The rules every value in `src/config.ts` must follow. Amounts and percents become Decimals here, so no bot ever
 * does money arithmetic on a JS number read from the config.
 */

const seconds = (what = "seconds") =>
  z
    .number({ error: `must be a number of ${what}` })
    .int(`must be a whole number of ${what}`)
    .positive(`must be more than 0 ${what}`);

/** A rate-limit budget: a whole number of at least 1. */
const perPool = (unit: string) =>
  z
    .number({ error: `must be a number (${unit})` })
    .int(`must be a whole number (${unit})`)
    .min(1, `must be at least 1 (${unit})`);

const POOL_KEYS = [
  "ipWeightPer10s",
  "uidWeightPer10s",
  "requestsPerSec",
  "ordersPerSec",
  "accountPerSec",
] as const;

const amountInput = z.union([z.number(), z.string()], {
  error: "must be an amount, as a number or a string",
});

/** A non-negative amount of money: a number or a decimal string; becomes a Decimal. */
const amount = amountInput.transform((v, ctx) => {
  const s = String(v).trim();
  if (!/^\d+(\.\d+)?$/.test(s) || !Number.isFinite(Number(s))) {
    ctx.addIssue({ code: "custom", message: 'must be an amount of 0 or more, like 6 or "0.07"' });
    return z.NEVER;
  }
  return new D(s);
});

const positiveAmount = amount.refine((d) => d.gt(0), { message: "must be more than 0" });

/** A percentage from 0 to 100 (a number); becomes a Decimal. */
const percent = z
  .number({ error: "must be a percentage (a number from 0 to 100)" })
  .min(0, "must be a percentage from 0 to 100, not below 0")
  .max(100, "must be a percentage from 0 to 100, not above 100")
  .transform((n) => new D(n));

/** A factor like 0.999 or 2. */
const factor = amount.refine((d) => d.gt(0), { message: "must be a factor above 0" });

const SYMBOL = /^[A-Z0-9]{2,20}(USDT|USDC)$/;
const symbol = z
  .string({ error: "must be a symbol string" })
  .regex(
    SYMBOL,
    'must be a MEXC spot symbol in capitals, base then quote, ending in USDT or USDC (like "BTCUSDC")',
  );

const splitOf = <K extends string>(keys: readonly [K, ...K[]]) =>
  z
    .object(Object.fromEntries(keys.map((k) => [k, percent])) as Record<K, typeof percent>)
    .strict()
    .superRefine((o, ctx) => {
      const parts = keys.map((k) => [k, (o as Record<K, InstanceType<typeof D>>)[k]] as const);
      const sum = parts.reduce((a, [, v]) => a.plus(v), new D(0));
      if (sum.eq(100)) return;
      // Names every part, so the user sees which keys to change together.
      const terms = parts.map(([k, v]) => `${k} ${v.toFixed()}`).join(" + ");
      ctx.addIssue({
        code: "custom",
        message: `${terms} = ${sum.toFixed()}: the parts must sum to 100 percent`,
      });
    });

const level = z.enum(LEVELS, { error: `must be one of ${LEVELS.map((l) => `"${l}"`).join(", ")}` });
/** Every message type may be given a level; a type we do not send is a typo the strict object names. */
const messageLevels = Object.fromEntries(MESSAGE_TYPES.map((t) => [t, level.optional()])) as Record<
  MessageType,
  z.ZodOptional<typeof level>
>;

const autoTrade = z.boolean({ error: "must be true, false or left out (undefined)" }).optional();
const enabled = z.boolean({ error: "must be true or false" });

const KLINE_INTERVALS = ["1m", "5m", "15m", "30m", "60m", "4h", "1d", "1W", "1M"] as const;

export const configSchema = z
  .object({
    scanner: z
      .object({
        enabled,
        autoTrade,
        intervalSec: seconds(),
        maxPairs: z.number().int("must be a whole number").min(0, "must be 0 (all pairs) or more"),
        minQuoteVolume24hUsdt: amount,
        klineInterval: z.enum(KLINE_INTERVALS, {
          error: `must be one of MEXC's intervals: ${KLINE_INTERVALS.join(" ")} (one hour is "60m")`,
        }),
        klineLimit: z
          .number()
          .int("must be a whole number")
          .min(35, "must be at least 35 candles: MACD(12,26,9) needs 35 to produce a value")
          .max(1000, "must be at most 1000 (MEXC's maximum per request)"),
        concurrency: z
          .number()
          .int("must be a whole number")
          .min(1, "must be at least 1")
          .max(32, "must be at most 32"),
        minBuyScore: z.number({ error: "must be a number" }),
        minBuyUsdt: positiveAmount,
        minUsdtBalance: amount,
        sizing: z
          .object({
            smallBalanceBelowUsdt: amount,
            smallBalancePct: percent,
            normalPct: percent,
            maxBuyUsdt: positiveAmount,
          })
          .strict(),
        excludedSymbols: z.array(symbol),
        reportEveryCycles: z.number().int("must be a whole number").min(1, "must be at least 1"),
        marketFallback: z
          .object({
            maxSlippagePct: z
              .number({ error: "must be a percentage (a number)" })
              .positive("must be above 0 percent")
              .max(5, "must be at most 5 percent: a wider cap is not a market order's bounded slippage")
              .transform((n) => new D(n)),
            rememberSec: seconds(),
            limitTimeoutSec: seconds(),
          })
          .strict(),
      })
      .strict(),
    antiHype: z
      .object({
        blockChange24hPct: z.number().positive("must be above 0 percent"),
        blockAboveUpperBandPct: z.number().min(0, "must be 0 percent or more"),
        blockRsi: z.number().min(50, "must be between 50 and 100").max(100, "must be between 50 and 100"),
        blockVolumeSpike: z.number().min(1, "must be at least 1 (times the average volume)"),
        dampChange24hPct: z.number().positive("must be above 0 percent"),
        dampMultiplier: factor.refine((d) => d.lte(1), { message: "must be at most 1 (it damps)" }),
        dipChange24hPct: z.number().positive("must be above 0 percent (it is read as a fall)"),
        dipMultiplier: factor,
        rebalanceLeniency: z.number().min(1, "must be at least 1 (1 = as strict as the scanner)"),
      })
      .strict()
      .refine((a) => a.dampChange24hPct < a.blockChange24hPct, {
        message:
          "must be below antiHype.blockChange24hPct (damping comes before blocking): lower one or raise the other",
        path: ["dampChange24hPct"],
      }),
    balanceBuyer: z
      .object({
        enabled,
        autoTrade,
        intervalSec: seconds(),
        minUsdc: amount,
        maxPurchaseUsdc: positiveAmount,
        keepUsdcAfterPurchase: amount,
        allocationPct: splitOf(["BTC", "ETH"]),
        rebalanceDeviationPts: percent,
        minQuantity: z.object({ BTC: positiveAmount, ETH: positiveAmount }).strict(),
        cooldownSec: seconds(),
        makerOffsetPct: percent,
        placementAttempts: z
          .number()
          .int("must be a whole number")
          .min(1, "must be at least 1")
          .max(10, "must be at most 10"),
        orderTimeoutSec: seconds(),
        topUpFromUsdt: z.object({ enabled, chunkUsdt: positiveAmount }).strict(),
      })
      .strict(),
    pnlSeller: z
      .object({
        enabled,
        autoTrade,
        intervalSec: seconds(),
        profitThresholdUsd: positiveAmount,
        pairs: z.array(symbol).min(1, "must list at least one pair"),
        autoSell: z.boolean(),
        limitPriceFactor: factor,
        orderTimeoutSec: seconds(),
        notifyEverySec: seconds(),
        rebalanceEverySec: seconds(),
        rebalanceWhenPnlNegative: z.boolean(),
      })
      .strict(),
    altsSeller: z
      .object({
        enabled,
        autoTrade,
        intervalSec: seconds(),
        profitThresholdUsd: positiveAmount,
        limitPriceFactor: factor,
        orderTimeoutSec: seconds(),
        notifyEverySec: seconds(),
      })
      .strict(),
    balancer5050: z
      .object({
        enabled,
        autoTrade,
        intervalSec: seconds(),
        minUsdc: amount,
        maxPerOperationUsdc: positiveAmount,
        keepUsdc: amount,
        deviationPct: percent,
        cooldownSec: seconds(),
        btcEthSplitPct: splitOf(["BTC", "ETH"]),
        altBasket: z.array(symbol).min(1, "must list at least one symbol"),
        minPerAssetUsd: positiveAmount,
        makerOffsetPct: percent,
        placementAttempts: z
          .number()
          .int("must be a whole number")
          .min(1, "must be at least 1")
          .max(10, "must be at most 10"),
        orderTimeoutSec: seconds(),
      })
      .strict(),
    ordersReporter: z.object({ enabled, intervalSec: seconds() }).strict(),
    risk: z
      .object({
        dailyLossLimitUsd: positiveAmount,
        maxOpenOrders: z
          .number()
          .int("must be a whole number")
          .min(1, "must be at least 1")
          .max(500, "must be at most 500 (MEXC's limit)"),
        emergencyStopFile: z
          .string()
          .min(1, "must name a file")
          .regex(/^[\w.-]+$/, "must be a plain file name (letters, digits, . _ -) inside the data directory"),
      })
      .strict(),
    shutdown: z
      .object({
        graceSec: z.number().min(0, "must be 0 or more seconds").max(600, "must be at most 600 seconds"),
        cancelOpenOrders: z.boolean({ error: "must be true or false" }),
      })
      .strict(),
    telegram: z
      .object({
        mergeWindowSec: seconds(),
        minIntervalPerTypeSec: z.number().int("must be a whole number").min(0, "must be 0 or more seconds"),
        proposalExpirySec: seconds(),
        maxPriceDriftPct: percent,
        valueSampleEverySec: seconds(),
        tradeDigestSec: seconds(),
        dailyReportHourUtc: z
          .number()
          .int("must be a whole hour")
          .min(0, "must be an hour from 0 to 23 (UTC)")
          .max(23, "must be an hour from 0 to 23 (UTC)"),
        levels: z.object(messageLevels).strict(),
      })
      .strict(),
    exchange: z
      .object({
        recvWindowMs: z
          .number()
          .int()
          .min(1, "must be at least 1 ms")
          .max(60_000, "must be at most 60000 ms (MEXC rejects more)"),
        timeoutMs: z.number().int().min(100, "must be at least 100 ms"),
        rulesRefreshSec: seconds(),
      })
      .strict(),
    rateLimits: z
      .object({
        ipWeightPer10s: perPool("weight per 10 s"),
        uidWeightPer10s: perPool("weight per 10 s"),
        requestsPerSec: perPool("requests per second"),
        ordersPerSec: perPool("orders per second"),
        accountPerSec: perPool("requests per second"),
        marginPct: z
          .number({ error: "must be a percentage" })
          .min(0, "must be 0 percent or more")
          .max(50, "must be at most 50 percent (more leaves most of the limit unused)"),
        backoffPct: z
          .number({ error: "must be a percentage" })
          .min(10, "must be at least 10 percent")
          .max(100, "must be at most 100 percent (100: a 429 never lowers a ceiling)"),
        floorPct: z
          .number({ error: "must be a percentage" })
          .min(1, "must be at least 1 percent")
          .max(100, "must be at most 100 percent"),
        climbPct: z
          .number({ error: "must be a percentage" })
          .min(1, "must be at least 1 percent (0 would never climb back)")
          .max(100, "must be at most 100 percent"),
      })
      .strict()
      .superRefine((r, ctx) => {
        // The client keeps round(budget × marginPct / 100) of each pool free (src/api/rate-limits.ts).
        for (const key of POOL_KEYS) {
          const budget = r[key];
          if (budget - Math.round((budget * r.marginPct) / 100) < 1) {
            ctx.addIssue({
              code: "custom",
              path: [key],
              message: `leaves nothing to send once marginPct (${r.marginPct} %) is kept free: raise it or lower marginPct`,
            });
          }
        }
      }),
    sim: z
      .object({
        seed: z.number().int("must be a whole number"),
        generatedAlts: z.number().int().min(0, "must be 0 or more").max(5000, "must be at most 5000"),
        startingBalances: z.record(
          z.string().regex(/^[A-Z0-9]{2,20}$/, "asset names are capitals and digits, like USDT"),
          amount,
        ),
        feeAsset: z.enum(["quote", "base", "MX"], { error: 'must be "quote", "base" or "MX"' }),
      })
      .strict(),
  })
  .strict();

export type Config = z.output<typeof configSchema>;

/** One thing wrong in the config, in words a user can act on. */
export interface ConfigProblem {
  key: string;
  value: unknown;
  rule: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  /** `file`: the config file the values came from (`--config <file>`), named in the message. */
  constructor(
    readonly problems: ConfigProblem[],
    readonly file = "src/config.ts",
  ) {
    super(
      `${file} has ${problems.length} invalid value${problems.length === 1 ? "" : "s"}:\n` +
        problems.map((p) => `  - ${p.key} = ${show(p.value)}: ${p.rule}`).join("\n") +
        `\nFix the value(s) in ${file} and start again.`,
    );
  }
}

function show(v: unknown): string {
  if (v === undefined) return "(missing)";
  // JSON writes Infinity and NaN as null: show what the user wrote (1e400 reads as Infinity).
  if (typeof v === "number" && !Number.isFinite(v)) return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = root;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** Validates a config object; throws ConfigError naming every bad key (and `file`, where the values came from). */
export function parseConfig(input: unknown, file?: string): Config {
  const result = configSchema.safeParse(input);
  if (result.success) {
    const contradicting = contradictions(result.data);
    if (contradicting.length === 0) return result.data;
    throw new ConfigError(
      contradicting.map((p) => ({ key: p.key, value: valueAt(input, p.key.split(".")), rule: p.rule })),
    );
  }
  const problems: ConfigProblem[] = result.error.issues.map((issue) => {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys;
      const where = path.length ? `${path.join(".")}.` : "";
      return {
        key: keys.map((k) => where + k).join(", "),
        value: valueAt(input, [...path, keys[0] ?? ""]),
        rule: "is not a known setting (a typo?); see the comments in src/config.ts for the valid names",
      };
    }
    return { key: path.join(".") || "(root)", value: valueAt(input, path), rule: issue.message };
  });
  throw new ConfigError(problems, file);
}
