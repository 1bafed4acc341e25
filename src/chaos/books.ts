import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MexcClient, type Order, type Trade } from "../api/index.js";
import { type Fill, parseFillJson } from "../portfolio/fill.js";
import { JsonLinesFile } from "../store/index.js";
import { JournalLog } from "../store/journal-log.js";
import { type JournalEntry, journalEntrySchema } from "../store/journal-schema.js";
import { JournalArchive } from "../trading/journal-archive.js";
import { journalLogOptions, journalPathOf } from "../trading/order-journal.js";
import { SIM_KEYS } from "./processes.js";

/** What the suite wrote down: the journal (state file and archive, the state file winning) and the ledger. */
export interface LocalBooks {
  readonly journal: ReadonlyMap<string, JournalEntry>;
  readonly fills: readonly Fill[];
}

/**
 * Read after the last run stopped. The journal file is read as it is (a torn tail ignored), entry by entry with
 * the journal's own schema, rather than opened by the program's code, which would repair and compact it.
 */
export function readLocalBooks(dataDir: string): LocalBooks {
  const journal = new Map<string, JournalEntry>();
  const archivePath = join(dataDir, "journal-archive.jsonl");
  if (existsSync(archivePath)) {
    for (const e of JournalArchive.open(archivePath).entries) journal.set(e.clientOrderId, e);
  }
  // A journal still in state.json (written before it had its own file) counts too; the file's entries win.
  const statePath = join(dataDir, "state.json");
  if (existsSync(statePath)) {
    const state = JSON.parse(readFileSync(statePath, "utf8")) as { journal?: Record<string, unknown> };
    for (const raw of Object.values(state.journal ?? {})) {
      const e = journalEntrySchema.parse(raw);
      journal.set(e.clientOrderId, e);
    }
  }
  for (const e of JournalLog.read(journalLogOptions(journalPathOf(statePath))).values())
    journal.set(e.clientOrderId, e);
  const fillsPath = join(dataDir, "fills.jsonl");
  const fills = existsSync(fillsPath) ? JsonLinesFile.open<Fill>(fillsPath, parseFillJson).items : [];
  return { journal, fills };
}

/** The exchange's side, asked over its signed API as any auditor of an account would. */
export interface ExchangeBooks {
  readonly orders: readonly Order[];
  readonly trades: readonly Trade[];
}

export async function readExchangeBooks(url: string, sinceMs: number): Promise<ExchangeBooks> {
  const client = new MexcClient({ baseUrl: url, apiKey: SIM_KEYS.apiKey, apiSecret: SIM_KEYS.apiSecret });
  try {
    const info = await client.exchangeInfo();
    const orders: Order[] = [];
    const trades: Trade[] = [];
    for (const { symbol } of info.symbols) {
      orders.push(...(await client.allOrders(symbol, { startTime: sinceMs, limit: 1000 })));
      trades.push(...(await allTrades(client, symbol, sinceMs)));
    }
    return { orders, trades };
  } finally {
    client.close();
  }
}

/** myTrades gives at most 100 rows a call: page forward by time, deduplicating the rows of the boundary millisecond. */
async function allTrades(client: MexcClient, symbol: string, sinceMs: number): Promise<Trade[]> {
  const seen = new Map<string, Trade>();
  let from = sinceMs;
  for (;;) {
    const page = await client.myTrades(symbol, { startTime: from, limit: 100 });
    let added = 0;
    for (const t of page) {
      if (!seen.has(t.id)) {
        seen.set(t.id, t);
        added++;
      }
    }
    if (page.length < 100 || added === 0) return [...seen.values()];
    from = Math.max(...page.map((t) => t.time));
  }
}
