// Writes a fills.jsonl of n generated fills straight to disk (no Decimal, no zod): several symbols and bots, buys
// and sells, every fee mode the cost basis knows (quote, base, MX, zero). Shared by bench/ledger.ts.
import { closeSync, openSync, writeSync } from "node:fs";

const ASSETS = ["BTC", "ETH", "ADA", "DOT", "LINK", "AVAX", "MATIC", "SOL", "XRP", "DOGE"];
const BOTS = ["scanner", "buyer", "seller", "balancer"];
export const FIRST_TIME = 1_700_000_000_000;

/** The JSON line of generated fill number i (0-based); the same i always gives the same line. */
export function fillLine(i: number): string {
  // A cheap deterministic hash of i: the bench needs variety, not randomness.
  const h = Math.imul(i + 1, 2654435761) >>> 0;
  const base = ASSETS[i % ASSETS.length] ?? "BTC";
  const side = i % 3 === 2 ? "SELL" : "BUY";
  const price = (100 + (h % 100_000) / 10_000).toFixed(4);
  const qty = (0.01 + ((h >>> 8) % 1_000_000) / 1_000_000).toFixed(6);
  const quoteQty = (Number(price) * Number(qty)).toFixed(8);
  const mode = i % 100 === 99 ? "MX" : (["quote", "base", "zero"][(h >>> 3) % 3] as string);
  const feeAsset = mode === "MX" ? "MX" : mode === "base" ? base : "USDT";
  const fee =
    mode === "quote"
      ? (Number(quoteQty) * 0.001).toFixed(8)
      : mode === "base"
        ? (Number(qty) * 0.001).toFixed(8)
        : mode === "MX"
          ? "0.01"
          : "0";
  const bot = BOTS[(h >>> 5) % BOTS.length] ?? "manual";
  return JSON.stringify({
    id: String(i + 1),
    symbol: `${base}USDT`,
    base,
    quote: "USDT",
    side,
    price,
    qty,
    quoteQty,
    fee,
    feeAsset,
    time: FIRST_TIME + i * 1000,
    orderId: String(i + 1),
    isMaker: false,
    source: "exchange",
    // Last, as fillToJson writes them: the lines are the ledger's own.
    clientOrderId: `${bot}-${String(i).padStart(15, "0")}`,
    bot,
  });
}

/** Writes fills [from, to) to the end of `path`, in 4 MiB blocks. */
export function writeFills(path: string, to: number, from = 0): void {
  const fd = openSync(path, from === 0 ? "w" : "a", 0o600);
  try {
    let block: string[] = [];
    let size = 0;
    for (let i = from; i < to; i++) {
      const line = fillLine(i);
      block.push(line);
      size += line.length + 1;
      if (size > 4 << 20) {
        writeSync(fd, `${block.join("\n")}\n`);
        block = [];
        size = 0;
      }
    }
    if (block.length) writeSync(fd, `${block.join("\n")}\n`);
  } finally {
    closeSync(fd);
  }
}
