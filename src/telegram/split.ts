/**
 * Splits an HTML message over Telegram's 4096-character limit. Telegram rejects a whole message whose HTML does
 * not parse, so a cut never falls inside a tag, an entity or a surrogate pair, and every chunk is balanced on its
 * own: tags open at the cut are closed at the end of one chunk and reopened (with their attributes) at the start
 * of the next, which keeps a long <pre> table monospaced on both sides.
 */

export const TELEGRAM_MAX_CHARS = 4096;

interface Tag {
  readonly name: string;
  /** The opening tag as written, to reopen it in the next chunk. */
  readonly open: string;
}

interface Atom {
  readonly text: string;
  readonly tag?: { readonly name: string; readonly closing: boolean };
}

const TOKEN = /<\/?[a-zA-Z][^<>]*>|&(?:#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g;

/** Tags and entities are single atoms; other text is one atom per code point. */
function atomize(html: string): Atom[] {
  const atoms: Atom[] = [];
  const chars = (s: string) => {
    for (const ch of s) atoms.push({ text: ch });
  };
  let last = 0;
  for (const m of html.matchAll(TOKEN)) {
    chars(html.slice(last, m.index));
    const t = m[0];
    if (t.startsWith("<")) {
      const closing = t.startsWith("</");
      const name = (/^<\/?([a-zA-Z][\w-]*)/.exec(t)?.[1] ?? "").toLowerCase();
      atoms.push({ text: t, tag: { name, closing } });
    } else atoms.push({ text: t });
    last = m.index + t.length;
  }
  chars(html.slice(last));
  return atoms;
}

function apply(stack: readonly Tag[], a: Atom): readonly Tag[] {
  if (!a.tag) return stack;
  if (!a.tag.closing) return [...stack, { name: a.tag.name, open: a.text }];
  const at = stack.map((t) => t.name).lastIndexOf(a.tag.name);
  // A closing tag that matches nothing is left for Telegram to judge; it does not change what is open.
  return at < 0 ? stack : [...stack.slice(0, at), ...stack.slice(at + 1)];
}

const closeAll = (stack: readonly Tag[]) =>
  stack
    .map((t) => `</${t.name}>`)
    .reverse()
    .join("");
const closeLen = (stack: readonly Tag[]) => stack.reduce((n, t) => n + t.name.length + 3, 0);
const reopen = (stack: readonly Tag[]) => stack.map((t) => t.open).join("");

interface Cut {
  readonly at: number;
  readonly len: number;
  readonly stack: readonly Tag[];
}

/**
 * Chunks of at most `limit` characters (UTF-16 units, as Telegram counts). Prefers a cut after a newline, then
 * after a space, and cuts mid-word only when a line is longer than a whole chunk.
 */
export function splitMessage(html: string, limit = TELEGRAM_MAX_CHARS): string[] {
  if (html.length <= limit) return [html];
  const atoms = atomize(html);
  const chunks: string[] = [];
  let stack: readonly Tag[] = [];
  let i = 0;
  while (i < atoms.length) {
    const head = reopen(stack);
    let st = stack;
    let len = head.length;
    let j = i;
    let newline: Cut | undefined;
    let space: Cut | undefined;
    while (j < atoms.length) {
      const a = atoms[j] as Atom;
      const next = apply(st, a);
      if (len + a.text.length + closeLen(next) > limit) break;
      len += a.text.length;
      st = next;
      j++;
      if (a.text === "\n") newline = { at: j, len, stack: st };
      else if (a.text === " ") space = { at: j, len, stack: st };
    }
    let cut: Cut = { at: j, len, stack: st };
    if (j < atoms.length) {
      // A break far back would leave a stub chunk: only take it if it keeps at least half of the room.
      const half = limit / 2;
      if (newline && newline.len >= half) cut = newline;
      else if (space && space.len >= half) cut = space;
    }
    if (cut.at === i) {
      // One atom bigger than a chunk (a tag with a huge attribute): send it alone rather than loop forever.
      cut = { at: i + 1, len, stack: apply(stack, atoms[i] as Atom) };
    }
    const body = atoms
      .slice(i, cut.at)
      .map((a) => a.text)
      .join("");
    // Telegram rejects an empty message: a run of blanks that happens to fill a chunk is dropped.
    if (body.trim() !== "") chunks.push(head + body + closeAll(cut.stack));
    stack = cut.stack;
    i = cut.at;
  }
  return chunks;
}
