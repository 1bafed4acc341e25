import { describe, expect, it } from "vitest";
import { buildQuery, escapeComponent } from "../../src/api/query.js";
import { sign } from "../../src/api/signing.js";

describe("signing", () => {
  it("matches MEXC's documented test vector", () => {
    const message =
      "symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=1&price=11&recvWindow=5000&timestamp=1644489390087";
    expect(sign("45d0b3c26f2644f19bfb98b07741b2f5", message)).toBe(
      "fd3e4e8543c5188531eb7279d68ae7d26a573d0fc5ab0d18eb692451654d837a",
    );
  });

  it("signs query and body concatenated without '&' (docs' mixed example)", () => {
    expect(
      sign(
        "45d0b3c26f2644f19bfb98b07741b2f5",
        "symbol=BTCUSDT&side=BUY&type=LIMIT",
        "quantity=1&price=11&recvWindow=5000&timestamp=1644489390087",
      ),
    ).toBe("d1a676610ceb39174c8039b3f548357994b2a34139a8addd33baadba65684592");
  });
});

describe("query building", () => {
  it("keeps the given order and leaves out undefined values", () => {
    expect(
      buildQuery([
        ["symbol", "BTCUSDT"],
        ["limit", undefined],
        ["side", "BUY"],
        ["quantity", "0.00001000"],
        ["n", 5],
      ]),
    ).toBe("symbol=BTCUSDT&side=BUY&quantity=0.00001000&n=5");
  });

  it("escapes with uppercase hex, including !'()* and spaces as %20", () => {
    expect(escapeComponent("a b,c/é!'()*")).toBe("a%20b%2Cc%2F%C3%A9%21%27%28%29%2A");
    expect(escapeComponent("bot-01_x.y~z")).toBe("bot-01_x.y~z");
    expect(buildQuery([["symbols", "BTCUSDT,ETHUSDT"]])).toBe("symbols=BTCUSDT%2CETHUSDT");
  });

  it("refuses non-finite numbers instead of sending NaN", () => {
    expect(() => buildQuery([["limit", Number.NaN]])).toThrow(RangeError);
  });
});
