// Year-sized history for bench:replay without a network: seeded random walks written as the files `npm run history`
// writes (`<SYMBOL>-<interval>.csv`, MEXC's kline columns), so the replay reads them through the history market's
// own loader. Not a market model: only the size and shape of real files (the core pairs the replay needs, alts
// with their own volatility and volume), the same files for the same seed.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const HEADER = "open_time,open,high,low,close,volume,close_time,quote_volume";

/** The pairs a replay needs (the sellers' and buyer's pairs, fee and valuation pairs), then generated alts. */
const CORE: readonly { symbol: string; price: number; sigma: number; volume: number }[] = [
  { symbol: "BTCUSDC", price: 60_000, sigma: 0.003, volume: 40 },
  { symbol: "ETHUSDC", price: 2_800, sigma: 0.004, volume: 400 },
  { symbol: "BTCUSDT", price: 60_000, sigma: 0.003, volume: 150 },
  { symbol: "ETHUSDT", price: 2_800, sigma: 0.004, volume: 1_500 },
  { symbol: "USDCUSDT", price: 1, sigma: 0.0002, volume: 2_000_000 },
  { symbol: "MXUSDT", price: 1.75, sigma: 0.006, volume: 50_000 },
];

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Digits after the point for a price: about six significant digits, as MEXC lists most pairs. */
function priceDecimals(price: number): number {
  return Math.min(10, Math.max(2, 5 - Math.floor(Math.log10(price))));
}

function series(
  spec: { symbol: string; price: number; sigma: number; volume: number },
  o: { fromMs: number; toMs: number; intervalMs: number; seed: number },
): string {
  const rand = mulberry32(o.seed);
  const dp = priceDecimals(spec.price);
  const anchor = spec.price;
  let price = spec.price;
  const lines = [HEADER];
  for (let t = o.fromMs; t < o.toMs; t += o.intervalMs) {
    const open = price;
    // A stablecoin is pulled back to its peg; everything else walks freely.
    const pull = spec.sigma < 0.001 ? (anchor - price) / anchor / 4 : 0;
    price = Math.max(10 ** -dp * 10, price * Math.exp(pull + spec.sigma * normal(rand)));
    const close = price;
    const high = Math.max(open, close) * (1 + Math.abs(normal(rand)) * spec.sigma * 0.5);
    const low = Math.min(open, close) * (1 - Math.abs(normal(rand)) * spec.sigma * 0.5);
    const volume = spec.volume * Math.exp(0.5 * normal(rand));
    const f = (x: number) => x.toFixed(dp);
    const mid = (high + low) / 2;
    lines.push(
      `${t},${f(open)},${f(high)},${f(low)},${f(close)},${volume.toFixed(4)},${t + o.intervalMs},${(volume * mid).toFixed(2)}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Writes `count` symbols (the six core pairs first, then ALT001USDT…) of candles from `fromMs` to `toMs` into
 * `dir`; answers the symbols written.
 */
export function writeSyntheticHistory(
  dir: string,
  o: { count: number; fromMs: number; toMs: number; intervalMs: number; interval: string; seed: number },
): string[] {
  mkdirSync(dir, { recursive: true });
  const rand = mulberry32(o.seed);
  const specs = [...CORE];
  for (let i = specs.length; i < o.count; i++) {
    const price = 10 ** (4 * rand() - 3);
    specs.push({
      symbol: `ALT${String(i).padStart(3, "0")}USDT`,
      price,
      sigma: 0.005 + 0.015 * rand(),
      volume: (20_000 + 500_000 * rand()) / price / 96,
    });
  }
  const chosen = specs.slice(0, Math.max(o.count, CORE.length));
  chosen.forEach((spec, i) => {
    const text = series(spec, { ...o, seed: o.seed * 1_000 + i });
    writeFileSync(join(dir, `${spec.symbol}-${o.interval}.csv`), text);
  });
  return chosen.map((s) => s.symbol);
}
