import { z } from "zod";
import type { D } from "../decimal.js";
import { JsonLinesFile } from "../store/index.js";

const pointSchema = z.object({ time: z.number(), valueUsd: z.string().regex(/^-?\d+(\.\d+)?$/) });
export type ValueSample = z.output<typeof pointSchema>;

/**
 * The portfolio's total value over time, one line per sample in data/<mode>/values.jsonl, for /chart. Append-only:
 * a crash loses at most the sample being written.
 */
export class ValueHistory {
  readonly #file: JsonLinesFile<ValueSample>;

  private constructor(file: JsonLinesFile<ValueSample>) {
    this.#file = file;
  }

  static open(path: string): ValueHistory {
    return new ValueHistory(JsonLinesFile.open(path, (v) => pointSchema.parse(v)));
  }

  record(time: number, total: D): void {
    this.#file.append([{ time, valueUsd: total.toFixed(2) }], (r) => r);
  }

  /** Samples since `since` (ms), oldest first. */
  points(since = 0): ValueSample[] {
    return this.#file.items.filter((p) => p.time >= since);
  }
}
