/**
 * Every trade id fills.jsonl holds, for the ledger's exact dedupe, in far less memory than a Set of a million
 * strings and loadable from a checkpoint without building one.
 *
 * Dedupe needs only "was this id seen?", exactly, for any id ever kept: MEXC's trade ids are strings that the
 * real exchange sends as hex (docs "Account Trade List" sample: `"id": "fad2af9e942049b6adbda1a271f990c6"`;
 * /work/shared/reference/mexc-spot-api.md), and the docs promise no order among them, so nothing here assumes the
 * ids grow. The ids kept since the last compaction are a Set; the rest are one string, sorted, separated by a
 * space, with the offset of each id, and found by binary search (20 comparisons among a million). An id with a
 * space in it (never seen from MEXC, but a hand-made line may hold one) stays in the Set for good.
 */
const SEP = " ";

export interface CompactIds {
  /** The ids sorted (JavaScript string order), joined by SEP. */
  readonly sorted: string;
  readonly count: number;
  /** Ids that contain SEP. */
  readonly odd: readonly string[];
}

export class TradeIds implements Iterable<string> {
  #sorted = "";
  /** Where id i starts in #sorted; entry `count` is #sorted.length + 1, so id i ends at starts[i + 1] - 1. */
  #starts = new Uint32Array([1]);
  #count = 0;
  #fresh = new Set<string>();

  /** From a checkpoint's compact form; throws when `count` is not what `sorted` holds. */
  static fromCompact(c: CompactIds): TradeIds {
    const ids = new TradeIds();
    ids.#setSorted(c.sorted, c.count);
    for (const id of c.odd) ids.#fresh.add(id);
    return ids;
  }

  get size(): number {
    return this.#count + this.#fresh.size;
  }

  has(id: string): boolean {
    return this.#fresh.has(id) || this.#inSorted(id);
  }

  add(id: string): void {
    // A Set adds an id it holds as a no-op: one hash lookup, not a has() and then an add() (a cold open adds a
    // million).
    if (!this.#inSorted(id)) this.#fresh.add(id);
  }

  /** The ids sorted into one string (the ones added since merged in), for a checkpoint; O(ids). */
  compact(): CompactIds {
    const odd: string[] = [];
    const fresh: string[] = [];
    for (const id of this.#fresh) (id.includes(SEP) ? odd : fresh).push(id);
    if (fresh.length > 0) {
      fresh.sort();
      const pieces: string[] = [];
      let from = 0;
      for (const id of fresh) {
        const at = this.#lowerBound(id);
        // A run of kept ids in one slice: a merge costs O(new ids) slices, not one per id.
        if (at > from) pieces.push(this.#sorted.slice(this.#starts[from], (this.#starts[at] as number) - 1));
        pieces.push(id);
        from = at;
      }
      if (from < this.#count) pieces.push(this.#sorted.slice(this.#starts[from]));
      this.#setSorted(pieces.join(SEP), this.#count + fresh.length);
      this.#fresh = new Set(odd);
    }
    return { sorted: this.#sorted, count: this.#count, odd };
  }

  *[Symbol.iterator](): Iterator<string> {
    for (let i = 0; i < this.#count; i++) yield this.#at(i);
    yield* this.#fresh;
  }

  #setSorted(sorted: string, count: number): void {
    const starts = new Uint32Array(count + 1);
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (at > sorted.length) throw new RangeError(`the ids hold fewer than the ${count} announced`);
      starts[i] = at;
      const sep = sorted.indexOf(SEP, at);
      at = sep === -1 ? sorted.length + 1 : sep + 1;
    }
    if (at !== sorted.length + 1 && !(count === 0 && sorted === ""))
      throw new RangeError(`the ids hold more than the ${count} announced`);
    starts[count] = sorted.length + 1;
    this.#sorted = sorted;
    this.#starts = starts;
    this.#count = count;
  }

  #at(i: number): string {
    return this.#sorted.slice(this.#starts[i], (this.#starts[i + 1] as number) - 1);
  }

  /** The first index whose id is not below `id`. */
  #lowerBound(id: string): number {
    let lo = 0;
    let hi = this.#count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#at(mid) < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #inSorted(id: string): boolean {
    const at = this.#lowerBound(id);
    return at < this.#count && this.#at(at) === id;
  }
}
