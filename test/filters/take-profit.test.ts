import { describe, expect, it } from "vitest";
import { D } from "../../src/decimal.js";
import { takeProfit } from "../../src/filters/index.js";

describe("the profit sellers' threshold rule", () => {
  it("sells strictly above the threshold, holds at or below it", () => {
    expect(takeProfit(new D("10.01"), new D(10), true)).toBe("sell");
    expect(takeProfit(new D(10), new D(10), true)).toBe("hold");
    expect(takeProfit(new D(-3), new D(10), true)).toBe("hold");
  });

  it("above the threshold with autoSell off: says so instead of selling", () => {
    expect(takeProfit(new D(50), new D(10), false)).toBe("auto-sell-off");
    expect(takeProfit(new D(5), new D(10), false)).toBe("hold");
  });
});
