import { htmlToPlain } from "./format.js";

/** The notifier's queue entries: one message waiting, merging repeats or gathering a trade digest. */

export type Severity = "info" | "alert";

/** What a delivered message is counted as: its level, the daily report, or "info"/"alert" when no levels apply. */
export type SentAs = "alert" | "trade" | "report" | "daily" | "info";

export interface Entry {
  type: string;
  severity: Severity;
  sentAs: SentAs;
  /** A trade digest's lines by merge key, while it gathers; its text is rebuilt from them. */
  digest?: Map<string, string>;
  text: string;
  photo?: Buffer;
  /** Identity for merging; undefined once nothing may merge into it (a batch, a photo). */
  mergeKey: string | undefined;
  /** The merge keys this entry delivers, remembered for the merge window when it is sent. */
  keys: string[];
  count: number;
  notBefore: number;
  attempts: number;
  targets?: readonly number[];
  inFlight: boolean;
}

export const render = (e: Entry) => (e.count > 1 ? `${e.text} ×${e.count}` : e.text);

/** What the log keeps of a message: enough to read it there when Telegram never showed it. */
export const summary = (e: Entry) => ({
  type: e.type,
  severity: e.severity,
  count: e.count,
  attempts: e.attempts,
  text: htmlToPlain(render(e)),
});

export function newEntry(f: {
  type: string;
  severity: Severity;
  sentAs: SentAs;
  text: string;
  notBefore: number;
  photo?: Buffer | undefined;
  mergeKey?: string | undefined;
  digest?: Map<string, string>;
}): Entry {
  const { photo, mergeKey, digest, ...rest } = f;
  return {
    ...rest,
    ...(photo ? { photo } : {}),
    ...(digest ? { digest } : {}),
    mergeKey,
    keys: mergeKey === undefined ? [] : [mergeKey],
    count: 1,
    attempts: 0,
    inFlight: false,
  };
}
