import { describe, expect, it } from "vitest";
import { userConfig } from "../../src/config.js";
import { ConfigError, parseConfig } from "../../src/config-schema.js";
import { levelOf, MESSAGE_TYPES } from "../../src/telegram/levels.js";

const withLevels = (levels: Record<string, unknown>) => ({
  ...userConfig,
  telegram: { ...userConfig.telegram, levels: { ...userConfig.telegram.levels, ...levels } },
});

function problems(input: unknown): string {
  try {
    parseConfig(input);
  } catch (e) {
    if (e instanceof ConfigError) return e.message;
    throw e;
  }
  throw new Error("the config was accepted");
}

describe("message levels", () => {
  const { levels } = parseConfig(userConfig).telegram;

  it("the shipped config gives every message type a level, and only the routine ones are not alerts", () => {
    expect(Object.keys(levels).sort()).toEqual([...MESSAGE_TYPES].sort());
    const quiet = MESSAGE_TYPES.filter((t) => levelOf(t, levels) !== "alert");
    expect(quiet.sort()).toEqual(["api-rate-limited", "report", "trade"]);
  });

  it("a report of any bot is a report; a type nobody gave a level is an alert", () => {
    expect(levelOf("report:scanner", levels)).toBe("report");
    expect(levelOf("something-new", levels)).toBe("alert");
  });

  it("a level may be overridden per type; a wrong level or an unknown type is named", () => {
    expect(parseConfig(withLevels({ trade: "alert" })).telegram.levels.trade).toBe("alert");
    expect(problems(withLevels({ trade: "loud" }))).toContain(
      'telegram.levels.trade = "loud": must be one of "alert", "trade", "report"',
    );
    expect(problems(withLevels({ trades: "trade" }))).toContain("telegram.levels.trades");
  });

  it("the digest interval and the report hour are checked", () => {
    const tg = (o: Record<string, unknown>) => ({
      ...userConfig,
      telegram: { ...userConfig.telegram, ...o },
    });
    expect(problems(tg({ dailyReportHourUtc: 24 }))).toContain("telegram.dailyReportHourUtc");
    expect(problems(tg({ dailyReportHourUtc: 7.5 }))).toContain("must be a whole hour");
    expect(problems(tg({ tradeDigestSec: -1 }))).toContain("telegram.tradeDigestSec");
  });
});
