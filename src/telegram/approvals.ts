import { type Api, Composer, type Context, InlineKeyboard } from "grammy";
import type { Clock } from "../clock.js";
import type { Logger } from "../log.js";
import { safeError } from "../redact.js";
import { statusOf } from "../trading/proposals.js";
import type { ProposalView, TradingQueries } from "../trading/queries.js";
import type { ApprovalProposals } from "./control-deps.js";
import { amount, bold, code, duration, escapeHtml, utcTime } from "./format.js";
import { editHtml, type Sender, sendHtml } from "./reply.js";

/**
 * Human in the loop: each proposal of a bot with autoTrade off becomes a message with Execute / Skip in every
 * allowed chat, and that message follows the proposal to its end (executed, skipped, expired, failed). Proposals
 * (trading/proposals.ts) guarantee one order per proposal whatever the presses; this file only shows and asks.
 */

/** Callback data: "prop:x:<id>" executes, "prop:s:<id>" skips. Ids are ≤ 32 characters, so this fits 64 bytes. */
const DATA = /^prop:([xs]):(.{1,58})$/;

/** Checked at most this often when no proposal waits, so one created behind our back still expires on time. */
const IDLE_CHECK_MS = 60_000;

export interface ApprovalsOptions {
  api: Api;
  proposals: ApprovalProposals;
  /** The order a proposal became, for how it ended. */
  orders: Pick<TradingQueries, "order">;
  /** Every allowed chat gets every proposal. */
  chatIds: readonly number[];
  clock: Clock;
  log: Logger;
}

interface Shown {
  chatId: number;
  messageId: number;
}

export class Approvals {
  readonly composer = new Composer<Context>();
  readonly #o: ApprovalsOptions;
  readonly #sender: Sender;
  /** Where each proposal was shown, in this session (a restart re-sends the ones still waiting). */
  readonly #messages = new Map<string, Shown[]>();
  /** The text last shown per proposal: an edit that would change nothing is not sent. */
  readonly #lastText = new Map<string, string>();
  /** One chain of Telegram calls per proposal, so an edit never overtakes the message it edits. */
  readonly #chains = new Map<string, Promise<void>>();
  #stop = new AbortController();
  #wake = new AbortController();
  #unsubscribe: (() => void) | undefined;
  #expiring: Promise<void> | undefined;

  constructor(opts: ApprovalsOptions) {
    this.#o = opts;
    this.#sender = { api: opts.api, clock: opts.clock, log: opts.log };
    this.composer.callbackQuery(DATA, async (ctx) => {
      const [, action, id = ""] = ctx.match;
      await this.#press(ctx, action === "x" ? "execute" : "skip", id);
    });
  }

  /** Shows what waits already (their earlier messages are not known to this session) and follows every change. */
  start(): void {
    if (this.#unsubscribe) return;
    this.#stop = new AbortController();
    this.#unsubscribe = this.#o.proposals.onChange((p) => this.#changed(p));
    for (const p of this.#o.proposals.pending()) this.#changed(p);
    this.#expiring = this.#expiryLoop();
  }

  /** Stops following; waits for the Telegram calls under way (each is bounded by its retries). */
  async stop(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#stop.abort();
    await this.#expiring;
    await Promise.all([...this.#chains.values()]);
  }

  /** Where a proposal's messages are, for tests and diagnostics. */
  shownAt(id: string): readonly Shown[] {
    return this.#messages.get(id) ?? [];
  }

  #changed(p: ProposalView): void {
    const status = statusOf(p);
    if (status === "pending") {
      if (this.#messages.has(p.id) || this.#chains.has(p.id)) return;
      this.#wake.abort(); // the expiry loop re-reads the earliest expiry
      this.#queue(p.id, () => this.#send(p));
    } else {
      this.#queue(p.id, () => this.#edit(p));
    }
  }

  #queue(id: string, task: () => Promise<void>): void {
    const previous = this.#chains.get(id) ?? Promise.resolve();
    const next = previous
      .then(task)
      .catch((err: unknown) =>
        this.#o.log.warn({ proposal: id, reason: safeError(err) }, "could not update the proposal's message"),
      );
    this.#chains.set(id, next);
    void next.finally(() => {
      if (this.#chains.get(id) === next) this.#chains.delete(id);
    });
  }

  async #send(p: ProposalView): Promise<void> {
    const text = proposalText(p, this.#o.clock.now());
    const keyboard = new InlineKeyboard()
      .text("✅ Execute", `prop:x:${p.id}`)
      .text("⏭ Skip", `prop:s:${p.id}`);
    const shown: Shown[] = [];
    this.#messages.set(p.id, shown);
    this.#lastText.set(p.id, text);
    for (const chatId of this.#o.chatIds) {
      try {
        const { messageId } = await sendHtml(this.#sender, chatId, text, keyboard);
        shown.push({ chatId, messageId });
      } catch (err) {
        // One chat that blocked the bot must not keep the proposal from the others.
        this.#o.log.warn({ proposal: p.id, chatId, reason: safeError(err) }, "could not show a proposal");
      }
    }
    // It may have ended while the messages were on their way: bring them up to date at once.
    const now = this.#o.proposals.get(p.id);
    if (now && statusOf(now) !== "pending") await this.#edit(now);
  }

  async #edit(p: ProposalView): Promise<void> {
    const text = proposalText(p, this.#o.clock.now(), this.#o.orders.order.bind(this.#o.orders));
    if (this.#lastText.get(p.id) === text) return;
    this.#lastText.set(p.id, text);
    for (const m of this.#messages.get(p.id) ?? []) await editHtml(this.#sender, m.chatId, m.messageId, text);
    if (p.end) {
      // Ended for good: nothing will change it again.
      this.#messages.delete(p.id);
      this.#lastText.delete(p.id);
    }
  }

  async #press(ctx: Context, action: "execute" | "skip", id: string): Promise<void> {
    const by = `tg:${ctx.from?.id ?? "?"}`;
    const chatId = ctx.chat?.id;
    const messageId = ctx.callbackQuery?.message?.message_id;
    // Read before acting: the edit that follows the change forgets an ended proposal's messages.
    const known = (this.#messages.get(id) ?? []).some(
      (m) => m.chatId === chatId && m.messageId === messageId,
    );
    let result: { ok: boolean; proposal: ProposalView | undefined };
    let answer: string;
    if (action === "execute") {
      const r = await this.#o.proposals.execute(id, by);
      result = r;
      answer = !r.ok
        ? `Not done: ${r.reason}`
        : r.outcome.kind === "unknown"
          ? "Sent, but the exchange's answer was lost: it is being looked up, never resent"
          : "Executed: order sent";
    } else {
      const r = await this.#o.proposals.skip(id, by);
      result = r;
      answer = r.ok ? "Skipped" : `Not done: ${r.reason}`;
    }
    await ctx
      .answerCallbackQuery({ text: answer.slice(0, 190) })
      .catch((err: unknown) => this.#o.log.debug({ reason: safeError(err) }, "callback answer failed"));
    // A message from before a restart is not followed by #edit: the pressed one is brought up to date here.
    if (!known && result.proposal && chatId !== undefined && messageId !== undefined) {
      const text = proposalText(
        result.proposal,
        this.#o.clock.now(),
        this.#o.orders.order.bind(this.#o.orders),
      );
      await editHtml(this.#sender, chatId, messageId, text).catch((err: unknown) =>
        this.#o.log.warn({ proposal: id, reason: safeError(err) }, "could not update a pressed proposal"),
      );
    }
  }

  /** Ends each proposal when its time is up and so edits its message, on the injected clock. */
  async #expiryLoop(): Promise<void> {
    const stop = this.#stop.signal;
    while (!stop.aborted) {
      const next = Math.min(...this.#o.proposals.pending().map((p) => p.expiresAt));
      const wait = Number.isFinite(next) ? Math.max(0, next - this.#o.clock.now()) : IDLE_CHECK_MS;
      this.#wake = new AbortController();
      try {
        await this.#o.clock.sleep(Math.min(wait, IDLE_CHECK_MS), AbortSignal.any([stop, this.#wake.signal]));
      } catch {
        if (stop.aborted) return;
        continue; // woken by a new proposal: re-read the earliest expiry
      }
      try {
        await this.#o.proposals.expireDue();
      } catch (err) {
        this.#o.log.error({ reason: safeError(err) }, "could not expire proposals");
      }
    }
  }
}

function quoteOf(symbol: string): string {
  return /(USDT|USDC|BTC|ETH)$/.exec(symbol)?.[1] ?? "";
}

type EntryLookup = (
  clientOrderId: string,
) => { state: string; executedQty: string; cummulativeQuoteQty: string } | undefined;

/** The proposal's message: what, why, until when, and (once decided) how it ended. */
export function proposalText(p: ProposalView, now: number, entry?: EntryLookup): string {
  const i = p.intent;
  const quote = quoteOf(i.symbol);
  const size = i.quantity
    ? `${amount(i.quantity)} ${i.symbol.slice(0, i.symbol.length - quote.length)}`
    : `for ${amount(i.quoteOrderQty ?? "0")} ${quote}`;
  const priceLine = i.price
    ? `${escapeHtml(i.type)} at ${amount(i.price)} ${escapeHtml(quote)} (market was ${amount(p.referencePrice)})`
    : `${escapeHtml(i.type)} at market, ~${amount(p.referencePrice)} ${escapeHtml(quote)}`;
  const lines = [
    `📝 ${bold(`Proposal: ${i.side} ${i.symbol}`)} from ${bold(p.bot)}`,
    `Amount: ${escapeHtml(size)}`,
    `Price: ${priceLine}`,
    `Reason: ${escapeHtml(p.reason)}`,
  ];
  const status = statusOf(p);
  if (status === "pending")
    lines.push(
      p.expiresAt > now
        ? `Expires ${utcTime(p.expiresAt)} (in ${duration(p.expiresAt - now)})`
        : "Expires now",
    );
  else lines.push("", endLine(p, entry));
  return lines.join("\n");
}

function endLine(p: ProposalView, entry?: EntryLookup): string {
  const end = p.end;
  if (!end) return "⏳ Executing…";
  switch (end.state) {
    case "executed": {
      const e = entry?.(end.clientOrderId);
      const how = e
        ? `: ${e.state}, filled ${amount(e.executedQty)} for ${amount(e.cummulativeQuoteQty)}`
        : "";
      return `✅ ${bold("Executed")} (approved by ${escapeHtml(end.by)}) — order ${code(end.clientOrderId)}${escapeHtml(how)}`;
    }
    case "skipped":
      return `⏭ ${bold("Skipped")} by ${escapeHtml(end.by)}`;
    case "expired":
      return `⌛ ${bold("Expired")} at ${utcTime(end.at)}: not executed`;
    case "failed":
      return `❌ ${bold("Not executed")}: ${escapeHtml(end.reason)}`;
  }
}
