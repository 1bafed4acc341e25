import type { Clock } from "../clock.js";
import { htmlToPlain } from "../telegram/format.js";
import type { MessageSink } from "../telegram/sink.js";

export interface RecordedMessage {
  readonly timeMs: number;
  readonly text: string;
}

/**
 * Where a replay's Telegram messages go: kept in order with their virtual time, as the plain text the console sink
 * prints (the same words, without the HTML tags); a chart keeps its caption.
 */
export function recordingSink(clock: Clock): { sink: MessageSink; messages: RecordedMessage[] } {
  const messages: RecordedMessage[] = [];
  const sink: MessageSink = {
    send: async (text) => {
      messages.push({ timeMs: clock.now(), text: htmlToPlain(text) });
    },
    sendPhoto: async (png, caption) => {
      const plain = caption ? htmlToPlain(caption) : "";
      messages.push({
        timeMs: clock.now(),
        text: `(chart, ${png.length} bytes)${plain ? `\n${plain}` : ""}`,
      });
    },
  };
  return { sink, messages };
}
