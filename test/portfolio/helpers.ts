import { D } from "../../src/decimal.js";
import type { Fill } from "../../src/portfolio/fill.js";

export interface FillSpec {
  id: string;
  time: string | number;
  side: "BUY" | "SELL";
  price: string;
  qty: string;
  quoteQty: string;
  fee?: string;
  feeAsset?: string;
  base?: string;
  quote?: string;
  clientOrderId?: string;
  /**
   * The bot the ledger attributed the fill to. Fixtures name it by their client id's prefix ("a-1" is bot "a")
   * unless given; null leaves the field out, as in fills written before the ledger attributed them.
   */
  bot?: string | null;
}

/** A fill from strings, so test data never passes through a JS number. */
export function fill(s: FillSpec): Fill {
  const base = s.base ?? "ABC";
  const quote = s.quote ?? "USDT";
  const f: Fill = {
    id: s.id,
    symbol: base + quote,
    base,
    quote,
    side: s.side,
    price: new D(s.price),
    qty: new D(s.qty),
    quoteQty: new D(s.quoteQty),
    fee: new D(s.fee ?? "0"),
    feeAsset: s.feeAsset ?? quote,
    time: typeof s.time === "number" ? s.time : Date.parse(s.time),
    orderId: `o-${s.id}`,
    isMaker: false,
    source: "exchange",
  };
  const bot = s.bot === undefined ? s.clientOrderId?.split("-")[0] : (s.bot ?? undefined);
  return {
    ...f,
    ...(s.clientOrderId === undefined ? {} : { clientOrderId: s.clientOrderId }),
    ...(bot === undefined ? {} : { bot }),
  };
}

/** Exact decimal equality, with a readable failure. */
export function str(d: D | undefined): string | undefined {
  return d?.toFixed();
}
