import { JsonLinesFile } from "../store/index.js";
import { MANUAL } from "./attribution.js";
import { type Fill, parseFillJson } from "./fill.js";

/**
 * What a lean ledger keeps of fills.jsonl instead of every fill (a million fills with their Decimals take over a
 * GiB): the ids for dedupe, the traded pairs, the fills still attributed to no bot (attributed again as the journal
 * learns their orders), the first exchange fill of each symbol (for imports), and the last `recent` fills for
 * reports. Every line is still validated once, in full; the fills themselves are dropped as they are read.
 * Not wired into the Ledger yet: its callers still read `ledger.fills` (see the report of issue 15).
 */
export interface FillsDigest {
  readonly file: JsonLinesFile<Fill>;
  readonly ids: Set<string>;
  readonly pairs: Map<string, { symbol: string; base: string; quote: string }>;
  readonly manual: Fill[];
  readonly firstExchangeFill: Map<string, number>;
  /** The last fills read, oldest first. */
  readonly recent: Fill[];
  /** Fills written before attribution existed (no `bot`): a start attributes them once, with one rewrite. */
  readonly unattributed: number;
}

export function openFillsDigest(path: string, recent = 1000): FillsDigest {
  const ids = new Set<string>();
  const pairs = new Map<string, { symbol: string; base: string; quote: string }>();
  const manual: Fill[] = [];
  const firstExchangeFill = new Map<string, number>();
  let tail: Fill[] = [];
  let unattributed = 0;
  const visit = (f: Fill) => {
    ids.add(f.id);
    if (!pairs.has(f.symbol)) pairs.set(f.symbol, { symbol: f.symbol, base: f.base, quote: f.quote });
    if (f.bot === undefined) unattributed++;
    if (f.source === "exchange") {
      if (f.bot === MANUAL) manual.push(f);
      const first = firstExchangeFill.get(f.symbol);
      if (first === undefined || f.time < first) firstExchangeFill.set(f.symbol, f.time);
    }
    tail.push(f);
    // Trimmed in batches: a shift per fill would cost O(recent) each.
    if (tail.length >= 2 * recent) tail = tail.slice(-recent);
  };
  const file = JsonLinesFile.open<Fill>(path, parseFillJson, { keep: false, visit });
  return { file, ids, pairs, manual, firstExchangeFill, recent: tail.slice(-recent), unattributed };
}
