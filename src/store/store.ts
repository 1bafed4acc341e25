import {
  chmodSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { Low } from "lowdb";
import { DurableTextFile } from "./durable-file.js";
import { migrations } from "./migrations.js";
import { STATE_VERSION, type State, stateSchema } from "./schema.js";

/** The mode a state file belongs to, as the file itself records it (env.ts's Mode is the same three words). */
type Mode = State["mode"];

export class StoreError extends Error {
  override readonly name = "StoreError";
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export interface StoreOptions {
  path: string;
  mode: Mode;
  /** Epoch ms to stamp a new file with (the injected clock's now). */
  now: number;
}

/**
 * The one store of the process. Changes are applied in memory at once and written in group commits: every
 * `update()` resolves only after a durable write that contains its change, so "journal, then send" is a matter of
 * awaiting it. A damaged, unknown or foreign file stops the program and is never overwritten.
 */
export class Store {
  readonly #db: Low<string>;
  readonly #path: string;
  readonly #lockPath: string;
  #state: State;
  #writing: Promise<void> | null = null;
  #next: Promise<void> | null = null;
  #closed = false;
  /** A lazy change is in memory and in no write yet. */
  #unwritten = false;

  private constructor(db: Low<string>, path: string, state: State) {
    this.#db = db;
    this.#path = path;
    this.#lockPath = `${path}.lock`;
    this.#state = state;
  }

  static async open(opts: StoreOptions): Promise<Store> {
    const dir = dirname(opts.path);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    acquireLock(`${opts.path}.lock`, opts.path);
    try {
      const adapter = new DurableTextFile(opts.path);
      const db = new Low<string>(adapter, "");
      const text = await adapter.read();
      const state = text === null ? fresh(opts) : load(text, opts);
      const store = new Store(db, opts.path, state);
      if (text === null) await store.update(() => {});
      return store;
    } catch (e) {
      releaseLock(`${opts.path}.lock`);
      throw e;
    }
  }

  get path(): string {
    return this.#path;
  }

  /** The current state. Read freely; change only inside `update`. */
  get state(): Readonly<State> {
    return this.#state;
  }

  /** Applies `change` now and resolves once it is on disk. */
  update(change: (state: State) => void): Promise<void> {
    if (this.#closed) return Promise.reject(new StoreError("the store is closed", this.#path));
    change(this.#state);
    this.#unwritten = false;
    return this.#schedule();
  }

  /**
   * Applies `change` now and writes it with the next `update()` or at `close()`, not on its own: for what a crash
   * may forget without harm (a bot's last run time: the bot then runs once at the restart, as at any start). A
   * durable write per bot run was most of the state file's writes (a replay made hundreds a simulated day).
   */
  updateLazily(change: (state: State) => void): void {
    if (this.#closed) throw new StoreError("the store is closed", this.#path);
    change(this.#state);
    this.#unwritten = true;
  }

  /** Waits for every pending write; later updates are refused. */
  async close(): Promise<void> {
    if (this.#unwritten) await this.update(() => {});
    await this.#next;
    await this.#writing;
    this.#closed = true;
    releaseLock(this.#lockPath);
  }

  #schedule(): Promise<void> {
    if (this.#next) return this.#next;
    const after = this.#writing ?? Promise.resolve();
    const next = after
      .catch(() => {})
      .then(async () => {
        this.#next = null;
        const write = this.#write();
        this.#writing = write;
        try {
          await write;
        } finally {
          if (this.#writing === write) this.#writing = null;
        }
      });
    this.#next = next;
    return next;
  }

  async #write(): Promise<void> {
    this.#db.data = JSON.stringify(this.#state, null, 1);
    await this.#db.write();
  }
}

function fresh(opts: StoreOptions): State {
  return stateSchema.parse({ version: STATE_VERSION, createdAt: opts.now, mode: opts.mode });
}

function load(text: string, opts: StoreOptions): State {
  const advice = `Move it aside (and keep it: it holds the order journal and trade history) or fix it, then start again.`;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new StoreError(
      `${opts.path} is damaged: it is not valid JSON (${(e as Error).message}). ${advice}`,
      opts.path,
    );
  }
  if (raw === null || typeof raw !== "object" || typeof (raw as { version?: unknown }).version !== "number") {
    throw new StoreError(
      `${opts.path} is not a state file of this program (no "version" field). ${advice}`,
      opts.path,
    );
  }
  let obj = raw as Record<string, unknown>;
  let version = obj.version as number;
  if (version > STATE_VERSION) {
    throw new StoreError(
      `${opts.path} was written by a newer version of this program (state version ${version}, this one knows ` +
        `${STATE_VERSION}). Update the program, or restore a backup.`,
      opts.path,
    );
  }
  while (version < STATE_VERSION) {
    const migrate = migrations[version];
    if (!migrate)
      throw new StoreError(`${opts.path} has state version ${version}, which no migration reads.`, opts.path);
    obj = migrate(obj);
    version += 1;
    obj.version = version;
  }
  const parsed = stateSchema.safeParse(obj);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new StoreError(
      `${opts.path} is damaged: ${first?.path.join(".") || "(root)"} ${first?.message ?? "is invalid"}. ${advice}`,
      opts.path,
    );
  }
  if (parsed.data.mode !== opts.mode) {
    throw new StoreError(
      `${opts.path} belongs to ${parsed.data.mode} mode, not ${opts.mode}: state is kept apart per mode so paper ` +
        `runs never mix with live history. Check DATA_DIR.`,
      opts.path,
    );
  }
  return parsed.data;
}

const heldLocks = new Set<string>();

/** The pid of a live process holding the state file's lock, if any. */
export function lockHolder(statePath: string): number | undefined {
  try {
    const pid = Number(readFileSync(`${statePath}.lock`, "utf8").trim());
    return Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Two processes on one state file would both trade and overwrite each other's journal. A lock file holding the
 * pid keeps the second one out; a lock left by a dead process is taken over.
 */
function acquireLock(lockPath: string, statePath: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      heldLocks.add(lockPath);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(readFileSync(lockPath, "utf8").trim());
      // Our own pid in a lock we do not hold means a previous process with the same pid (pid 1 in a container).
      const ours = pid === process.pid;
      if (Number.isInteger(pid) && pid > 0 && (ours ? heldLocks.has(lockPath) : isAlive(pid))) {
        throw new StoreError(
          `${statePath} is in use by another running instance (pid ${pid}). Stop it first: two instances on one ` +
            `account would place orders twice.`,
          statePath,
        );
      }
      unlinkSync(lockPath);
    }
  }
  throw new StoreError(`could not lock ${statePath}`, statePath);
}

function releaseLock(lockPath: string): void {
  heldLocks.delete(lockPath);
  try {
    if (existsSync(lockPath) && readFileSync(lockPath, "utf8").trim() === String(process.pid))
      unlinkSync(lockPath);
  } catch {
    // Best effort: a stale lock is taken over at the next start anyway.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
