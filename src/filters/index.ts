/** Pure market filters: numbers in, numbers and reasons out; no clients, no clock, no I/O. */
export * from "./anti-hype.js";
export * from "./balancer-plan.js";
export * from "./buy-caps.js";
export * from "./buyer-plan.js";
export * from "./candles.js";
export * from "./format.js";
export * from "./indicators.js";
export * from "./score.js";
export * from "./take-profit.js";
