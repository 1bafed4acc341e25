import { hashString, Rng } from "./rng.js";
import { DEFAULT_PRICE_BANDS, type PriceBand, type SymbolOptions } from "./symbol-options.js";

/** One listed pair: its exchange rules as exchangeInfo shows them, and the knobs of its synthetic market. */
export interface SymbolSpec {
  index: number;
  symbol: string;
  baseAsset: string;
  quoteAsset: string;
  fullName: string;
  status: "1" | "2";
  tradeSideType: "1" | "2" | "3";
  inDefaultSymbols: boolean;
  isSpotTradingAllowed: boolean;
  orderTypes: string[];
  baseAssetPrecision: number;
  quotePrecision: number;
  quoteAssetPrecision: number;
  baseSizePrecision: string;
  quoteAmountPrecision: string;
  quoteAmountPrecisionMarket: string;
  maxQuoteAmount: string;
  maxQuoteAmountMarket: string;
  makerCommission: string;
  takerCommission: string;
  /** PERCENT_PRICE_BY_SIDE, when the symbol has one. */
  priceBand?: PriceBand | undefined;
  quoteOrderQtyMarketAllowed: boolean;
  apiMarketDisabled: boolean;
  market: MarketSpec;
}

export interface MarketSpec {
  /** Pairs with the same key (BTCUSDT, BTCUSDC) share one random path, as a base asset's markets do. */
  pathKey: number;
  startPrice: number;
  dailyVol: number;
  /** Scale of the slow, mean-reverting wander of the daily checkpoints, in units of dailyVol. */
  wander: number;
  /** Octaves of checkpoint noise: the wander reverts to startPrice over about 2^levels days. */
  levels: number;
  dailyQuoteVolume: number;
  spreadBps: number;
  /** Quote value resting at each book level. */
  levelQuote: number;
  listedDay: number;
}

/** Fee and precision decimals of commissions: fine enough that small fees never round to zero. */
export const COMMISSION_PRECISION = 8;

const DAY_MS = 86_400_000;
const dayOf = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) / DAY_MS;

interface SeedRow {
  base: string;
  name: string;
  price: number;
  bp: number;
  qp: number;
  minQty: string;
  vol: number;
  quoteVolume: number;
  spreadBps: number;
  levelQuote: number;
  listed: number;
  levels: number;
  wander: number;
}

const SEEDS: SeedRow[] = [
  {
    base: "BTC",
    name: "Bitcoin",
    price: 60000,
    bp: 6,
    qp: 2,
    minQty: "0.000001",
    vol: 0.025,
    quoteVolume: 8e8,
    spreadBps: 1,
    levelQuote: 60000,
    listed: dayOf(2019, 1, 1),
    levels: 6,
    wander: 0.5,
  },
  {
    base: "ETH",
    name: "Ethereum",
    price: 3000,
    bp: 5,
    qp: 2,
    minQty: "0.00001",
    vol: 0.035,
    quoteVolume: 4e8,
    spreadBps: 2,
    levelQuote: 30000,
    listed: dayOf(2019, 1, 1),
    levels: 6,
    wander: 0.5,
  },
  {
    base: "ADA",
    name: "Cardano",
    price: 0.45,
    bp: 2,
    qp: 4,
    minQty: "0.01",
    vol: 0.05,
    quoteVolume: 2e7,
    spreadBps: 5,
    levelQuote: 8000,
    listed: dayOf(2019, 6, 1),
    levels: 7,
    wander: 0.45,
  },
  {
    base: "DOT",
    name: "Polkadot",
    price: 6.5,
    bp: 2,
    qp: 3,
    minQty: "0.01",
    vol: 0.05,
    quoteVolume: 1.5e7,
    spreadBps: 5,
    levelQuote: 6000,
    listed: dayOf(2020, 8, 20),
    levels: 7,
    wander: 0.45,
  },
  {
    base: "LINK",
    name: "Chainlink",
    price: 14,
    bp: 2,
    qp: 3,
    minQty: "0.01",
    vol: 0.055,
    quoteVolume: 1.5e7,
    spreadBps: 5,
    levelQuote: 6000,
    listed: dayOf(2019, 6, 1),
    levels: 7,
    wander: 0.45,
  },
  {
    base: "MATIC",
    name: "Polygon",
    price: 0.5,
    bp: 1,
    qp: 4,
    minQty: "0.1",
    vol: 0.055,
    quoteVolume: 1e7,
    spreadBps: 6,
    levelQuote: 5000,
    listed: dayOf(2019, 6, 1),
    levels: 7,
    wander: 0.45,
  },
  {
    base: "AVAX",
    name: "Avalanche",
    price: 28,
    bp: 2,
    qp: 2,
    minQty: "0.01",
    vol: 0.06,
    quoteVolume: 1.2e7,
    spreadBps: 6,
    levelQuote: 5000,
    listed: dayOf(2020, 9, 22),
    levels: 7,
    wander: 0.45,
  },
];

const ALT_LISTING_FIRST = dayOf(2022, 1, 1);
const ALT_LISTING_SPAN = 1370;

type Base = Omit<SymbolSpec, "index" | "priceBand" | "quoteOrderQtyMarketAllowed" | "apiMarketDisabled">;

function seedSpecs(seed: number): Base[] {
  const out: Base[] = [];
  for (const row of SEEDS) {
    for (const quote of ["USDT", "USDC"] as const) {
      const usdc = quote === "USDC";
      out.push({
        symbol: row.base + quote,
        baseAsset: row.base,
        quoteAsset: quote,
        fullName: row.name,
        status: "1",
        tradeSideType: "1",
        inDefaultSymbols: true,
        isSpotTradingAllowed: true,
        orderTypes: ["LIMIT", "MARKET", "LIMIT_MAKER"],
        baseAssetPrecision: row.bp,
        quotePrecision: row.qp,
        quoteAssetPrecision: row.qp,
        baseSizePrecision: row.minQty,
        quoteAmountPrecision: usdc ? "5" : "1",
        quoteAmountPrecisionMarket: usdc ? "5" : "1",
        maxQuoteAmount: "2000000",
        maxQuoteAmountMarket: "100000",
        // USDC books carry a small maker fee so maker-side commissions are visible in tests.
        makerCommission: usdc ? "0.0002" : "0",
        takerCommission: usdc ? "0.0004" : "0.0005",
        market: {
          pathKey: hashString(`${seed}:${row.base}`),
          startPrice: row.price,
          dailyVol: row.vol,
          wander: row.wander,
          levels: row.levels,
          dailyQuoteVolume: usdc ? row.quoteVolume / 4 : row.quoteVolume,
          spreadBps: usdc ? row.spreadBps * 1.5 : row.spreadBps,
          levelQuote: usdc ? row.levelQuote / 2 : row.levelQuote,
          listedDay: row.listed,
        },
      });
    }
  }
  out.push(stable(seed, "USDC", "USDT", "USD Coin", 1, 2, 4, "0.01", 3e8), {
    ...stable(seed, "MX", "USDT", "MX Token", 2.5, 2, 4, "0.01", 1e7),
    makerCommission: "0",
    takerCommission: "0.0005",
    market: {
      pathKey: hashString(`${seed}:MX`),
      startPrice: 2.5,
      dailyVol: 0.04,
      wander: 0.45,
      levels: 7,
      dailyQuoteVolume: 1e7,
      spreadBps: 5,
      levelQuote: 5000,
      listedDay: dayOf(2019, 1, 1),
    },
  });
  return out;
}

function stable(
  seed: number,
  base: string,
  quote: string,
  name: string,
  price: number,
  bp: number,
  qp: number,
  minQty: string,
  quoteVolume: number,
): Base {
  return {
    symbol: base + quote,
    baseAsset: base,
    quoteAsset: quote,
    fullName: name,
    status: "1",
    tradeSideType: "1",
    inDefaultSymbols: true,
    isSpotTradingAllowed: true,
    orderTypes: ["LIMIT", "MARKET", "LIMIT_MAKER"],
    baseAssetPrecision: bp,
    quotePrecision: qp,
    quoteAssetPrecision: qp,
    baseSizePrecision: minQty,
    quoteAmountPrecision: "1",
    quoteAmountPrecisionMarket: "1",
    maxQuoteAmount: "5000000",
    maxQuoteAmountMarket: "1000000",
    makerCommission: "0",
    takerCommission: "0.0001",
    market: {
      pathKey: hashString(`${seed}:${base}`),
      startPrice: price,
      dailyVol: 0.0003,
      wander: 0.5,
      levels: 2,
      dailyQuoteVolume: quoteVolume,
      spreadBps: 1,
      levelQuote: 200000,
      listedDay: dayOf(2019, 1, 1),
    },
  };
}

const LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

function decimalUnit(places: number): string {
  return places <= 0 ? "1" : `0.${"0".repeat(places - 1)}1`;
}

/**
 * Generated alts against USDT. Sequential from the seed, so the first N alts of a 2,000-alt universe are the
 * N alts of a smaller one. The first few are forced into the awkward cases (paused, sell-only, not
 * API-tradable, no market orders) so every universe has them.
 */
function altSpecs(seed: number, count: number, taken: Set<string>): Base[] {
  const rng = new Rng(seed * 7919 + 17);
  const out: Base[] = [];
  for (let i = 0; i < count; i++) {
    let base = "";
    while (base === "" || taken.has(base)) {
      const len = rng.int(3, 5);
      base = "";
      for (let k = 0; k < len; k++) base += rng.pick(LETTERS.split(""));
      if (rng.chance(0.08)) base += String(rng.int(1, 9));
    }
    taken.add(base);
    const price = rng.logUniform(0.00002, 300);
    const magnitude = Math.floor(Math.log10(price));
    const qp = clamp(4 - magnitude, 2, 8);
    const qap = rng.chance(0.08) ? clamp(qp - 1, 2, 8) : qp;
    const bp = clamp(magnitude + 2 + rng.int(0, 3) + (rng.chance(0.1) ? 2 : 0), 0, 8);
    const sizeRoll = rng.next();
    const minQty = sizeRoll < 0.35 ? "0" : sizeRoll < 0.8 ? decimalUnit(bp) : decimalUnit(bp - 2);
    const minNotional = rng.chance(0.6) ? "1" : "5";
    const sideRoll = rng.next();
    let tradeSideType: SymbolSpec["tradeSideType"] = sideRoll < 0.02 ? "3" : sideRoll < 0.03 ? "2" : "1";
    let status: SymbolSpec["status"] = rng.chance(0.02) ? "2" : "1";
    let inDefault = rng.chance(0.95);
    const spotAllowed = rng.chance(0.99);
    let orderTypes = rng.chance(0.04) ? ["LIMIT", "LIMIT_MAKER"] : ["LIMIT", "MARKET", "LIMIT_MAKER"];
    if (i === 1) status = "2";
    if (i === 2) tradeSideType = "3";
    if (i === 3) inDefault = false;
    if (i === 4) orderTypes = ["LIMIT", "LIMIT_MAKER"];
    out.push({
      symbol: `${base}USDT`,
      baseAsset: base,
      quoteAsset: "USDT",
      fullName: `${base} Token`,
      status,
      tradeSideType,
      inDefaultSymbols: inDefault && spotAllowed,
      isSpotTradingAllowed: spotAllowed,
      orderTypes,
      baseAssetPrecision: bp,
      quotePrecision: qp,
      quoteAssetPrecision: qap,
      baseSizePrecision: minQty,
      quoteAmountPrecision: minNotional,
      quoteAmountPrecisionMarket: minNotional,
      maxQuoteAmount: rng.pick(["2000000", "1000000", "500000"]),
      maxQuoteAmountMarket: rng.pick(["100000", "50000", "200000"]),
      makerCommission: rng.chance(0.7) ? "0" : "0.0002",
      takerCommission: rng.chance(0.7) ? "0.0005" : "0.001",
      market: {
        pathKey: hashString(`${seed}:alt:${base}`),
        startPrice: price,
        dailyVol: rng.logUniform(0.03, 0.15),
        wander: 0.4,
        levels: 8,
        dailyQuoteVolume: rng.logUniform(2e4, 2e7),
        spreadBps: rng.logUniform(5, 80),
        levelQuote: rng.logUniform(50, 5000),
        listedDay: ALT_LISTING_FIRST + rng.int(0, ALT_LISTING_SPAN),
      },
    });
  }
  return out;
}

export class Universe {
  readonly specs: SymbolSpec[];
  private readonly bySymbol = new Map<string, SymbolSpec>();

  constructor(seed: number, generatedAlts: number, opts: SymbolOptions = {}) {
    const seeds = seedSpecs(seed);
    const taken = new Set<string>(["USDT", "USDC", ...seeds.map((s) => s.baseAsset)]);
    const alts = altSpecs(seed, generatedAlts, taken);
    const all = [...seeds, ...alts];
    const bands = opts.priceBands ?? DEFAULT_PRICE_BANDS;
    // Like the other awkward cases, forced onto fixed alts so every universe has them.
    const restrictions = opts.marketRestrictions ?? {
      ...(alts[5] ? { [alts[5].symbol]: { apiMarketDisabled: true } } : {}),
      ...(alts[6] ? { [alts[6].symbol]: { quoteOrderQtyMarketAllowed: false } } : {}),
    };
    this.specs = all.map((s, index) => ({
      ...s,
      index,
      priceBand: bands[s.symbol],
      apiMarketDisabled: restrictions[s.symbol]?.apiMarketDisabled ?? false,
      quoteOrderQtyMarketAllowed: restrictions[s.symbol]?.quoteOrderQtyMarketAllowed ?? true,
    }));
    for (const s of this.specs) this.bySymbol.set(s.symbol, s);
  }

  get(symbol: string): SymbolSpec | undefined {
    return this.bySymbol.get(symbol);
  }

  defaultSymbols(): string[] {
    return this.specs.filter((s) => s.inDefaultSymbols).map((s) => s.symbol);
  }
}
