import { describe, expect, it } from "vitest";
import { describeIssues, parseJson } from "../../src/api/schemas.js";
import {
  type Answer,
  accountAnswer,
  depthAnswer,
  orderAnswer,
  ordersAnswer,
  ticker24hAnswer,
  tickerPriceAnswer,
  tickerPricesAnswer,
  tickers24hAnswer,
  tradesAnswer,
} from "../../src/api/schemas-read.js";
import { ORDER_STATUSES, ORDER_TYPES } from "../../src/api/types.js";
import { type Random, seeded } from "./random.js";

/** The general path: parseJson and the schema, what the client does with anything the reader leaves. */
function general<T>(a: Answer<T>, text: string): { value: T } | { error: string } {
  let body: unknown;
  try {
    body = parseJson(text);
  } catch {
    return { error: "not JSON" };
  }
  const r = a.schema.safeParse(body);
  return r.success ? { value: r.data } : { error: describeIssues(r.error) };
}

/** The reader's value is the schema's: the same fields in the same order, the same Decimals (class and digits). */
function expectSame<T>(fast: T, slow: { value: T } | { error: string }, text: string): void {
  expect(slow, text).toStrictEqual({ value: fast });
  expect(JSON.stringify(fast), text).toBe(JSON.stringify((slow as { value: T }).value));
}

function digits(rng: Random, n: number): string {
  let s = String(rng.int(1, 9));
  for (let i = 1; i < n; i++) s += String(rng.int(0, 9));
  return s;
}

/** Decimal literals as MEXC writes them, and beyond: long mantissas, leading zeros, negatives, -0, 45 digits. */
function decimal(rng: Random): string {
  const sign = rng.next() < 0.05 ? "-" : "";
  const whole =
    rng.next() < 0.3
      ? "0"
      : rng.next() < 0.05
        ? `00${digits(rng, 2)}`
        : digits(rng, rng.pick([1, 2, 5, 8, 16, 25]));
  const frac =
    rng.next() < 0.3
      ? ""
      : `.${rng.next() < 0.1 ? "0".repeat(rng.int(1, 9)) : ""}${digits(rng, rng.pick([1, 2, 4, 8, 12, 20]))}`;
  return sign + whole + frac;
}

const NAMES = ["ETHUSDT", "BTCUSDT", "USDT", "MX", "a b", "é-_.", "bot-17_x.y", "X"];

/** A field's JSON text, or undefined for "left out"; each kind makes what MEXC sends for it, and its blanks. */
type Kind =
  | "dec"
  | "decN"
  | "int"
  | "intN"
  | "str"
  | "strN"
  | "id"
  | "idN"
  | "bool"
  | "boolN"
  | "list"
  | "side"
  | "status"
  | "type";
const make: Record<Kind, (rng: Random) => string | undefined> = {
  dec: (rng) => `"${decimal(rng)}"`,
  decN: (rng) => rng.pick([() => `"${decimal(rng)}"`, () => "null", () => '""', () => undefined])(),
  int: (rng) => String(rng.int(1, 9) * 10 ** 12 + rng.int(0, 10 ** 9)),
  intN: (rng) => rng.pick([() => String(rng.int(0, 10 ** 6)), () => "null", () => undefined])(),
  str: (rng) => `"${rng.pick(NAMES)}"`,
  strN: (rng) => rng.pick([() => `"${rng.pick(NAMES)}"`, () => "null", () => '""', () => undefined])(),
  id: (rng) =>
    rng.pick([
      () => digits(rng, rng.int(1, 20)),
      () => "0",
      () => `"${digits(rng, rng.int(1, 20))}"`,
      () =>
        `"${rng
          .int(0, 2 ** 31)
          .toString(16)
          .padStart(32, "a")}"`,
      () => '"C02__443776347957968896"',
    ])(),
  idN: (rng) => rng.pick([() => make.id(rng), () => "null", () => '""', () => undefined])(),
  bool: (rng) => rng.pick(["true", "false"]),
  boolN: (rng) => rng.pick(["true", "false", "null", undefined]),
  list: (rng) => rng.pick(['["SPOT"]', "[]", '["SPOT","MARGIN"]', "null", undefined]),
  side: (rng) => `"${rng.pick(["BUY", "SELL"])}"`,
  status: (rng) => `"${rng.pick(ORDER_STATUSES)}"`,
  type: (rng) => `"${rng.pick(ORDER_TYPES)}"`,
};

/** Members the schemas do not read, as the exchange and the simulator add them. */
const EXTRAS = [
  '"orderListId":-1',
  '"isBestMatch":true',
  '"isSelfTrade":false',
  '"stpMode":""',
  '"cancelReason":"stp_cancel"',
  '"stopPrice":null',
  '"makerCommission":null',
  '"n":-0.5E-3',
  '"deep":{"a":[1,2.5e3,{"b":null,"c":[]}],"d":{}}',
  '"big":123456789012345678901',
];

type Shape = readonly (readonly [string, Kind])[];

function object(rng: Random, shape: Shape, inner: Record<string, () => string> = {}): string {
  const members: string[] = [];
  for (const [key, kind] of shape) {
    const v = key in inner ? inner[key]!() : make[kind](rng);
    if (v !== undefined) members.push(`"${key}":${v}`);
  }
  for (let n = rng.int(0, 3); n > 0; n--) members.push(rng.pick(EXTRAS));
  for (let i = members.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [members[i], members[j]] = [members[j]!, members[i]!];
  }
  return `{${members.join(",")}}`;
}

function list(n: number, item: () => string): string {
  return `[${Array.from({ length: n }, item).join(",")}]`;
}

const TRADE: Shape = [
  ["symbol", "str"],
  ["id", "id"],
  ["orderId", "id"],
  ["price", "dec"],
  ["qty", "dec"],
  ["quoteQty", "dec"],
  ["commission", "dec"],
  ["commissionAsset", "str"],
  ["time", "int"],
  ["isBuyer", "bool"],
  ["isMaker", "bool"],
  ["clientOrderId", "strN"],
];
const ORDER: Shape = [
  ["symbol", "str"],
  ["orderId", "id"],
  ["clientOrderId", "strN"],
  ["origClientOrderId", "strN"],
  ["price", "dec"],
  ["origQty", "decN"],
  ["Qty", "decN"],
  ["executedQty", "dec"],
  ["cummulativeQuoteQty", "dec"],
  ["status", "status"],
  ["timeInForce", "strN"],
  ["type", "type"],
  ["side", "side"],
  ["origQuoteOrderQty", "decN"],
  ["time", "intN"],
  ["updateTime", "intN"],
];
const BALANCE: Shape = [
  ["asset", "str"],
  ["free", "dec"],
  ["locked", "dec"],
];
const ACCOUNT: Shape = [
  ["canTrade", "bool"],
  ["canWithdraw", "boolN"],
  ["canDeposit", "boolN"],
  ["updateTime", "intN"],
  ["accountType", "strN"],
  ["balances", "list"],
  ["permissions", "list"],
];
const TICKER: Shape = [
  ["symbol", "str"],
  ...(
    [
      "priceChange",
      "priceChangePercent",
      "prevClosePrice",
      "lastPrice",
      "bidPrice",
      "bidQty",
      "askPrice",
      "askQty",
      "openPrice",
      "highPrice",
      "lowPrice",
      "volume",
      "quoteVolume",
    ] as const
  ).map((k) => [k, "decN"] as const),
  ["openTime", "intN"],
  ["closeTime", "intN"],
  ["count", "intN"],
];

function level(rng: Random): string {
  const extra = rng.next() < 0.1 ? ',"x",7' : "";
  return `[${make.dec(rng)},${make.dec(rng)}${extra}]`;
}

/** Each reader with a generator of answers in the exchange's form (every one valid, unless `valid` says no). */
const CASES: { name: string; answer: Answer<unknown>; gen: (rng: Random) => string }[] = [
  {
    name: "ticker/price",
    answer: tickerPriceAnswer,
    gen: (rng) =>
      object(rng, [
        ["symbol", "str"],
        ["price", "dec"],
      ]),
  },
  { name: "ticker/24hr", answer: ticker24hAnswer, gen: (rng) => object(rng, TICKER) },
  {
    name: "ticker/price, all symbols",
    answer: tickerPricesAnswer,
    gen: (rng) =>
      list(rng.int(0, 8), () =>
        object(rng, [
          ["symbol", "str"],
          ["price", "dec"],
        ]),
      ),
  },
  {
    name: "ticker/24hr, all symbols",
    answer: tickers24hAnswer,
    gen: (rng) => list(rng.int(0, 6), () => object(rng, TICKER)),
  },
  {
    name: "depth",
    answer: depthAnswer,
    gen: (rng) =>
      object(
        rng,
        [
          ["lastUpdateId", "intN"],
          ["bids", "dec"],
          ["asks", "dec"],
        ],
        {
          bids: () => list(rng.int(0, 8), () => level(rng)),
          asks: () => list(rng.int(0, 8), () => level(rng)),
        },
      ),
  },
  {
    name: "account",
    answer: accountAnswer,
    gen: (rng) => object(rng, ACCOUNT, { balances: () => list(rng.int(0, 6), () => object(rng, BALANCE)) }),
  },
  {
    name: "myTrades",
    answer: tradesAnswer,
    gen: (rng) => list(rng.int(0, 6), () => object(rng, TRADE)),
  },
  {
    name: "order",
    answer: orderAnswer,
    // One of origQty and Qty holds the quantity: without either the schema refuses the order.
    gen: (rng) => object(rng, ORDER, { origQty: () => `"${decimal(rng)}"` }),
  },
  {
    name: "openOrders",
    answer: ordersAnswer,
    gen: (rng) =>
      list(rng.int(0, 5), () =>
        object(
          rng,
          ORDER,
          rng.next() < 0.5
            ? { origQty: () => "null", Qty: () => `"${decimal(rng)}"` }
            : { origQty: () => `"${decimal(rng)}"` },
        ),
      ),
  },
];

/** One change of the text that the general path may accept differently, or refuse. */
const MUTATIONS: ((text: string, rng: Random) => string)[] = [
  (t, rng) => {
    const at = rng.int(0, t.length);
    return `${t.slice(0, at)}${rng.pick([" ", "\n", "\t"])}${t.slice(at)}`;
  },
  (t, rng) => t.slice(0, rng.int(0, t.length - 1)),
  (t, rng) => {
    const at = rng.int(0, t.length - 1);
    const by = rng.pick(['"', ",", ":", "[", "]", "{", "}", "-", ".", "e", "0", "x", "\\", "9", "n", "t"]);
    return t.slice(0, at) + by + t.slice(at + 1);
  },
  (t, rng) => {
    const values = t.match(/:("[^"]*"|-?[\d.eE+-]+|null|true|false)/g) ?? [":0"];
    const by = rng.pick([
      '""',
      "null",
      "1.5",
      "7",
      "-3",
      "1e3",
      "true",
      '"1e5"',
      '"NaN"',
      '" 1"',
      '"0x10"',
      '"-0"',
      "[]",
      "{}",
      '"12345678901234567"',
      "12345678901234567",
      "0012",
      '"a\\"b"',
      '"\\u0041"',
      '"x,1234567890123456789,y"',
      '"BUY"',
      '"NEW"',
      `"${"9".repeat(400)}"`,
    ]);
    return t.replace(rng.pick(values), `:${by}`);
  },
  (t, rng) => {
    const keys = t.match(/"[A-Za-z]+":/g) ?? ['"x":'];
    return t.replace(rng.pick(keys), rng.pick(['"zz":', '"__proto__":', '"constructor":', '"Price":']));
  },
  // A member twice: JSON.parse keeps the last, and so must the reader.
  (t, rng) => {
    const members = t.match(/"[A-Za-z]+":("[^"]*"|-?\d[\d.eE+-]*|null|true|false)/g) ?? [];
    return members.length === 0 ? t : t.replace("{", `{${rng.pick(members)},`);
  },
  (t) => t.replace(/\[\[/, "[[]"),
  (t) => `${t} `,
  (t) => `${t}[]`,
  () => `{"code":700003,"msg":"Timestamp for this request is outside of the recvWindow."}`,
];

describe("the hand-written readers of the hot answers", () => {
  for (const c of CASES) {
    it(`${c.name}: every answer in the exchange's form reads to exactly the schema's value`, () => {
      const rng = seeded(c.name.length * 977);
      for (let i = 0; i < 300; i++) {
        const text = c.gen(rng);
        const slow = general(c.answer, text);
        if ("error" in slow)
          throw new Error(`the generator made an answer the schema refuses: ${slow.error}\n${text}`);
        const fast = c.answer.fastParse(text);
        expect(fast, `left to the general path: ${text}`).toBeDefined();
        expectSame(fast, slow, text);
      }
    });

    it(`${c.name}: on any other text says nothing, or exactly what the schema says`, () => {
      const rng = seeded(c.name.length * 1_201);
      let left = 0;
      let refusedByBoth = 0;
      for (let i = 0; i < 2000; i++) {
        let text = c.gen(rng);
        for (let m = rng.int(1, 2); m > 0; m--) text = rng.pick(MUTATIONS)(text, rng);
        const fast = c.answer.fastParse(text);
        const slow = general(c.answer, text);
        if (fast === undefined) {
          left++;
          if ("error" in slow) refusedByBoth++;
          continue;
        }
        expectSame(fast, slow, text);
      }
      // Most mutations must break the form, or this would prove little.
      expect(left).toBeGreaterThan(600);
      expect(refusedByBoth).toBeGreaterThan(300);
    });
  }
});
