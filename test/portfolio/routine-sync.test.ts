import { describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import {
  afterCheck,
  RoutineSyncs,
  routineVerdict,
  type SymbolSyncState,
  totalsOf,
} from "../../src/portfolio/routine-sync.js";

const rule = { maxAgeMs: 5 * 60_000, safetyNetMs: 60 * 60_000 };
const read = (ticket: number, total: string, booked = "0", at = 0) => ({
  ticket,
  at,
  total: new D(total),
  booked: new D(booked),
});

describe("routineVerdict (pure)", () => {
  const synced: SymbolSyncState = {
    lastSync: { ticket: 2, at: 1_000 },
    reference: read(1, "5", "2"),
    checkedTicket: 1,
  };

  it("syncs a symbol never synced since the start", () => {
    expect(routineVerdict({}, read(1, "5"), 1_000, rule)).toBe("first");
    expect(routineVerdict({}, undefined, 1_000, rule)).toBe("first");
  });

  it("syncs when the base total moved since the reference, and not when it did not", () => {
    expect(routineVerdict(synced, read(3, "5.1", "2"), 2_000, rule)).toBe("moved");
    expect(routineVerdict(synced, read(3, "4.9", "2"), 2_000, rule)).toBe("moved");
    expect(routineVerdict(synced, read(3, "5.000", "2"), 2_000, rule)).toBe("unmoved");
  });

  it("takes a move the fills booked since the reference explain for none (our own fill, synced when it filled)", () => {
    expect(routineVerdict(synced, read(3, "5.5", "2.5"), 2_000, rule)).toBe("unmoved");
    expect(routineVerdict(synced, read(3, "4", "1"), 2_000, rule)).toBe("unmoved");
    // Booked more, or less, than the account moved: something is missing.
    expect(routineVerdict(synced, read(3, "5.5", "2.6"), 2_000, rule)).toBe("moved");
    expect(routineVerdict(synced, read(3, "5", "2.5"), 2_000, rule)).toBe("moved");
  });

  it("syncs after the safety net's age even when unmoved (fills that cancel out)", () => {
    expect(routineVerdict(synced, read(3, "5", "2"), 1_000 + rule.safetyNetMs - 1, rule)).toBe("unmoved");
    expect(routineVerdict(synced, read(3, "5", "2"), 1_000 + rule.safetyNetMs, rule)).toBe("safety-net");
  });

  it("without a read not yet compared, waits for the next while reads keep coming, else the age rule", () => {
    expect(routineVerdict(synced, read(1, "9"), 1_000 + rule.maxAgeMs - 1, rule)).toBe("recent");
    expect(routineVerdict(synced, undefined, 1_000 + rule.maxAgeMs, rule)).toBe("aged");
    const old = 1_000 + rule.maxAgeMs;
    expect(routineVerdict(synced, read(1, "9", "0", old - rule.maxAgeMs + 1), old, rule)).toBe("awaited");
    expect(routineVerdict(synced, read(1, "9", "0", old - rule.maxAgeMs), old, rule)).toBe("aged");
  });

  it("syncs when there is no reference to compare a new read with", () => {
    const { reference: _r, ...noReference } = synced;
    expect(routineVerdict(noReference, read(3, "5"), 2_000, rule)).toBe("unpaired");
  });
});

describe("afterCheck (pure)", () => {
  it("pairs a read only with a sync that began after it", () => {
    const after = afterCheck({ lastSync: { ticket: 4, at: 0 } }, read(3, "7", "1"), "first", new D("2"));
    expect(after.reference?.total.toFixed()).toBe("7");
    // What the sync booked is taken as held by the read already.
    expect(after.reference?.booked.toFixed()).toBe("2");
    expect(after.checkedTicket).toBe(3);
    // The sync began before the read (a shared sync already under way): nothing paired, the read not compared.
    const before = afterCheck({ lastSync: { ticket: 2, at: 0 } }, read(3, "7"), "unpaired", new D("2"));
    expect(before).toEqual({ lastSync: { ticket: 2, at: 0 } });
  });

  it("leaves a read uncompared when the sync it asked for failed (lastSync unchanged): the next check syncs", () => {
    const state: SymbolSyncState = {
      lastSync: { ticket: 2, at: 0 },
      reference: read(1, "5"),
      checkedTicket: 1,
    };
    const next = afterCheck(state, read(3, "6"), "moved", new D("0"));
    expect(next).toEqual(state);
    expect(routineVerdict(next, read(3, "6"), 1, rule)).toBe("moved");
  });
});

describe("totalsOf", () => {
  it("adds free and locked; an asset left out holds 0", () => {
    const t = totalsOf([
      { asset: "ADA", free: new D("1.5"), locked: new D("0.25") },
      { asset: "USDT", free: new D("0"), locked: new D("3") },
    ]);
    expect(t.get("ADA")?.toFixed()).toBe("1.75");
    expect(t.get("USDT")?.toFixed()).toBe("3");
    const syncs = new RoutineSyncs();
    syncs.observe([], 0);
    expect(syncs.check("ADAUSDT", "ADA", 0, rule).read?.total.toFixed()).toBe("0");
  });
});
