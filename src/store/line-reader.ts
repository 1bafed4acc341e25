import { closeSync, openSync, readSync } from "node:fs";

/** One line of a file as the reader hands it over. */
export interface Line {
  /** 0-based line number. */
  readonly index: number;
  readonly text: string;
  /** Byte offset of the line's first byte. */
  readonly start: number;
  /** False only for a last line with no "\n" after it (a torn write, or an editor's missing final newline). */
  readonly terminated: boolean;
}

const CHUNK = 1 << 20;

/**
 * Reads a file line by line in 1 MiB chunks, never holding the whole file: fills.jsonl grows for ever, and past
 * 512 MiB it cannot even be one JavaScript string. Lines split at the "\n" byte, which never occurs inside a
 * multi-byte UTF-8 character, so a character cut by a chunk boundary is decoded whole. `visit` returning false
 * stops the read. Starts at byte `from` (a line start). Throws ENOENT as readFileSync would.
 */
export function readLines(path: string, visit: (line: Line) => boolean | undefined, from = 0): void {
  const fd = openSync(path, "r");
  try {
    let chunk = Buffer.allocUnsafe(CHUNK);
    let carry = 0; // bytes of an unfinished line at the start of `chunk`
    let position = from; // file offset of chunk[0]
    let index = 0;
    for (;;) {
      if (carry === chunk.length) {
        // A line longer than the chunk: grow it.
        const bigger = Buffer.allocUnsafe(chunk.length * 2);
        chunk.copy(bigger, 0, 0, carry);
        chunk = bigger;
      }
      const read = readSync(fd, chunk, carry, chunk.length - carry, position + carry);
      const end = carry + read;
      let lineStart = 0;
      for (let nl = chunk.indexOf(10, carry); nl !== -1 && nl < end; nl = chunk.indexOf(10, nl + 1)) {
        const text = chunk.toString("utf8", lineStart, nl);
        if (visit({ index: index++, text, start: position + lineStart, terminated: true }) === false) return;
        lineStart = nl + 1;
      }
      if (read === 0) {
        if (end > lineStart) {
          const text = chunk.toString("utf8", lineStart, end);
          visit({ index, text, start: position + lineStart, terminated: false });
        }
        return;
      }
      chunk.copy(chunk, 0, lineStart, end);
      position += lineStart;
      carry = end - lineStart;
    }
  } finally {
    closeSync(fd);
  }
}
