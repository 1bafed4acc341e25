import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { UserFromGetMe } from "grammy/types";
import { FakeMenus } from "./fake-telegram-menus.js";

/**
 * A fake Telegram Bot API on a loopback port, for a real grammY `Bot` built with
 * `new Bot(token, { client: { apiRoot: fake.url }, botInfo: FAKE_BOT_INFO })`.
 */

export const FAKE_BOT_INFO: UserFromGetMe = {
  id: 42,
  is_bot: true,
  first_name: "Fake",
  username: "fake_bot",
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

export interface FilePart {
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface Call {
  method: string;
  token: string;
  params: Record<string, unknown>;
  /** Multipart uploads, by field name (grammY names them at random and refers to them as `attach://<name>`). */
  files: Record<string, FilePart>;
  status: number;
  /** What Telegram answered (the sent message, with its message_id), for successful calls. */
  result?: unknown;
}

export interface Failure {
  status?: number;
  body?: unknown;
  retryAfter?: number;
}

function parseMultipart(body: Buffer, boundary: string) {
  const params: Record<string, unknown> = {};
  const files: Record<string, FilePart> = {};
  const sep = Buffer.from(`--${boundary}`);
  let at = body.indexOf(sep);
  while (at >= 0) {
    const start = at + sep.length + 2; // past the boundary and its CRLF
    const next = body.indexOf(sep, start);
    if (next < 0) break;
    const part = body.subarray(start, next - 2); // minus the CRLF before the next boundary
    const split = part.indexOf("\r\n\r\n");
    const head = part.subarray(0, split).toString("utf8");
    const data = part.subarray(split + 4);
    const name = /name="([^"]*)"/i.exec(head)?.[1] ?? "";
    const filename = /filename="?([^";\r\n]*)"?/i.exec(head)?.[1];
    if (filename !== undefined) {
      const contentType = /content-type:\s*([^\r\n]+)/i.exec(head)?.[1] ?? "application/octet-stream";
      files[name] = { filename, contentType, data: Buffer.from(data) };
    } else {
      params[name] = jsonOrText(data.toString("utf8"));
    }
    at = next;
  }
  return { params, files };
}

/** grammY sends objects as JSON text inside form fields and everything else as is. */
function jsonOrText(s: string): unknown {
  if (!/^[[{]/.test(s)) return s;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakeTelegram() {
  const updates: Record<string, unknown>[] = [];
  const calls: Call[] = [];
  const failures = new Map<string, Failure[]>();
  const standing: { method: string; when: (p: Record<string, unknown>) => boolean; failure: Failure }[] = [];
  const menus = new FakeMenus();
  const listeners = new Set<() => void>();
  let nextUpdateId = 1;
  let nextMessageId = 1;
  let closing = false;
  const changed = () => {
    for (const l of [...listeners]) l();
  };

  function message(params: Record<string, unknown>, extra: Record<string, unknown>) {
    const chatId = Number(params.chat_id);
    return {
      message_id: nextMessageId++,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: chatId < 0 ? "group" : "private", first_name: "User" },
      from: FAKE_BOT_INFO,
      ...extra,
    };
  }

  function result(method: string, p: Record<string, unknown>, files: Record<string, FilePart>): unknown {
    switch (method) {
      case "getMe":
        return FAKE_BOT_INFO;
      case "sendMessage":
        return message(p, { text: p.text });
      case "sendPhoto": {
        const photo = [{ file_id: `photo${nextMessageId}`, file_unique_id: "u", width: 800, height: 520 }];
        return message(p, { photo, caption: p.caption, size: Object.values(files)[0]?.data.length });
      }
      case "editMessageText":
        return message(p, { message_id: p.message_id, text: p.text });
      default:
        return menus.handle(method, p) ?? true;
    }
  }

  /** Long polling: answers at once when updates wait, else when one is queued, the timeout ends or we close. */
  async function getUpdates(p: Record<string, unknown>, res: ServerResponse): Promise<unknown> {
    const offset = Number(p.offset ?? 0);
    const pending = () => updates.filter((u) => (u.update_id as number) >= offset);
    // Telegram forgets confirmed updates once a later offset is asked for.
    while (updates.length && (updates[0]?.update_id as number) < offset) updates.shift();
    const timeoutMs = Number(p.timeout ?? 0) * 1000;
    if (pending().length === 0 && timeoutMs > 0 && !closing) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          listeners.delete(done);
          res.off("close", done);
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        listeners.add(done);
        res.on("close", done); // grammY aborts the poll on bot.stop()
      });
    }
    return pending().slice(0, Number(p.limit ?? 100));
  }

  const server = createServer(async (req, res) => {
    const m = /^\/bot([^/]+)\/(\w+)$/.exec(req.url?.split("?")[0] ?? "");
    const send = (status: number, body: unknown) => {
      if (!res.writableEnded)
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
    };
    if (!m) return send(404, { ok: false, error_code: 404, description: "Not Found" });
    const [, token = "", method = ""] = m;
    const raw = await readBody(req);
    const type = req.headers["content-type"] ?? "";
    const boundary = /boundary=(.+)$/.exec(type)?.[1];
    const query = Object.fromEntries(new URL(req.url ?? "", "http://x").searchParams);
    const { params, files } = boundary
      ? parseMultipart(raw, boundary)
      : {
          params: raw.length ? (JSON.parse(raw.toString("utf8")) as Record<string, unknown>) : query,
          files: {},
        };
    const fail =
      failures.get(method)?.shift() ?? standing.find((s) => s.method === method && s.when(params))?.failure;
    if (fail) {
      const status = fail.status ?? (fail.retryAfter !== undefined ? 429 : 500);
      const body =
        fail.body ??
        (status === 429
          ? {
              ok: false,
              error_code: 429,
              description: `Too Many Requests: retry after ${fail.retryAfter ?? 1}`,
              parameters: { retry_after: fail.retryAfter ?? 1 },
            }
          : { ok: false, error_code: status, description: "Internal Server Error" });
      calls.push({ method, token, params, files, status });
      send(status, body);
    } else {
      const answer = method === "getUpdates" ? await getUpdates(params, res) : result(method, params, files);
      if (method !== "getUpdates") calls.push({ method, token, params, files, status: 200, result: answer });
      send(200, { ok: true, result: answer });
    }
    changed();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  const fake = {
    url: `http://127.0.0.1:${port}`,
    /** Calls Telegram answered with success, in order. */
    calls: (method?: string) => calls.filter((c) => c.status === 200 && (!method || c.method === method)),
    /** Every call, failures included. */
    attempts: (method?: string) => calls.filter((c) => !method || c.method === method),
    pushMessage(o: { chatId: number; fromId: number; text: string }) {
      const msg = message(
        { chat_id: o.chatId },
        { from: { id: o.fromId, is_bot: false, first_name: "User" } },
      );
      const entities = o.text.startsWith("/")
        ? [{ type: "bot_command", offset: 0, length: o.text.split(/\s/)[0]?.length ?? 0 }]
        : undefined;
      updates.push({ update_id: nextUpdateId++, message: { ...msg, text: o.text, entities } });
      changed();
    },
    pushCallback(o: { chatId: number; fromId: number; data: string; messageId: number }) {
      const from = { id: o.fromId, is_bot: false, first_name: "User" };
      const msg = { ...message({ chat_id: o.chatId }, {}), message_id: o.messageId, text: "…" };
      updates.push({
        update_id: nextUpdateId++,
        callback_query: { id: String(nextUpdateId), from, message: msg, chat_instance: "ci", data: o.data },
      });
      changed();
    },
    /** The next `times` calls of `method` fail: 429 when retryAfter is given, else 500 (or `status`/`body`). */
    failNext(method: string, failure: Failure = {}, times = 1) {
      const list = failures.get(method) ?? [];
      for (let i = 0; i < times; i++) list.push(failure);
      failures.set(method, list);
    },
    /** Every call of `method` whose parameters match fails, for as long as the fake runs (checked after failNext). */
    failWhen(method: string, when: (params: Record<string, unknown>) => boolean, failure: Failure): void {
      standing.push({ method, when, failure });
    },
    /** The command menus the bot set, and what a person sees of them. */
    menus,
    /** Resolves with the first successful call of `method` matching `predicate`, or rejects after `ms`. */
    waitFor(method: string, predicate: (c: Call) => boolean = () => true, ms = 5_000): Promise<Call> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = fake.calls(method).find(predicate);
          if (!hit) return false;
          clearTimeout(timer);
          listeners.delete(onChange);
          resolve(hit);
          return true;
        };
        const onChange = () => void check();
        const timer = setTimeout(() => {
          listeners.delete(onChange);
          reject(new Error(`no ${method} call matched within ${ms} ms`));
        }, ms);
        if (!check()) listeners.add(onChange);
      });
    },
    async close() {
      closing = true;
      changed();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return fake;
}

export type FakeTelegram = Awaited<ReturnType<typeof startFakeTelegram>>;
