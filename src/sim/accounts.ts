import { D, type Dec, str, ZERO } from "./decimal.js";

export interface SimAccountSpec {
  apiKey: string;
  apiSecret: string;
  balances: Record<string, string>;
  /**
   * Symbols this key may trade by API (`GET /api/v3/selfSymbols`, docs "User API default symbol"); orders on
   * others answer 10007. Default: every symbol of defaultSymbols.
   */
  selfSymbols?: string[];
  /**
   * The account belongs to an STP strategy group (docs "Create STP strategy group"). MEXC applies `stpMode` only
   * then (docs "New Order", other info 2); default false: stpMode is accepted but self-trades happen.
   */
  stpGroup?: boolean;
}

interface Balance {
  free: Dec;
  locked: Dec;
}

/** One account's money. Every change goes through these methods, so the conservation law has one home. */
export class Account {
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly selfSymbols: ReadonlySet<string> | undefined;
  readonly stpGroup: boolean;
  private readonly balances = new Map<string, Balance>();
  private readonly fees = new Map<string, Dec>();

  constructor(spec: SimAccountSpec) {
    this.apiKey = spec.apiKey;
    this.apiSecret = spec.apiSecret;
    this.selfSymbols = spec.selfSymbols ? new Set(spec.selfSymbols) : undefined;
    this.stpGroup = spec.stpGroup ?? false;
    for (const [asset, amount] of Object.entries(spec.balances)) this.bal(asset).free = new D(amount);
  }

  private bal(asset: string): Balance {
    let b = this.balances.get(asset);
    if (!b) {
      b = { free: ZERO, locked: ZERO };
      this.balances.set(asset, b);
    }
    return b;
  }

  free(asset: string): Dec {
    return this.balances.get(asset)?.free ?? ZERO;
  }

  locked(asset: string): Dec {
    return this.balances.get(asset)?.locked ?? ZERO;
  }

  credit(asset: string, amount: Dec): void {
    const b = this.bal(asset);
    b.free = b.free.plus(amount);
  }

  debit(asset: string, amount: Dec): void {
    const b = this.bal(asset);
    if (b.free.lessThan(amount))
      throw new Error(`${this.apiKey}: ${asset} free ${str(b.free)} < ${str(amount)}`);
    b.free = b.free.minus(amount);
  }

  lock(asset: string, amount: Dec): void {
    this.debit(asset, amount);
    const b = this.bal(asset);
    b.locked = b.locked.plus(amount);
  }

  /** Moves `amount` out of locked; the caller credits whatever of it was not spent. */
  takeLocked(asset: string, amount: Dec): void {
    const b = this.bal(asset);
    if (b.locked.lessThan(amount))
      throw new Error(`${this.apiKey}: ${asset} locked ${str(b.locked)} < ${str(amount)}`);
    b.locked = b.locked.minus(amount);
  }

  unlock(asset: string, amount: Dec): void {
    this.takeLocked(asset, amount);
    this.credit(asset, amount);
  }

  /** A commission leaves the account's free balance and is remembered as paid. */
  payFee(asset: string, amount: Dec): void {
    this.debit(asset, amount);
    this.fees.set(asset, (this.fees.get(asset) ?? ZERO).plus(amount));
  }

  assets(): string[] {
    return [...this.balances.keys()].sort();
  }

  /** MEXC lists only assets with something in them. */
  wireBalances(): { asset: string; free: string; locked: string }[] {
    return this.assets()
      .map((asset) => ({ asset, b: this.bal(asset) }))
      .filter(({ b }) => !b.free.isZero() || !b.locked.isZero())
      .map(({ asset, b }) => ({ asset, free: str(b.free), locked: str(b.locked) }));
  }

  snapshot(): {
    balances: Record<string, { free: string; locked: string }>;
    feesPaid: Record<string, string>;
  } {
    const balances: Record<string, { free: string; locked: string }> = {};
    for (const asset of this.assets()) {
      const b = this.bal(asset);
      balances[asset] = { free: str(b.free), locked: str(b.locked) };
    }
    const feesPaid: Record<string, string> = {};
    for (const [asset, v] of [...this.fees].sort(([a], [b]) => a.localeCompare(b))) feesPaid[asset] = str(v);
    return { balances, feesPaid };
  }
}

/**
 * What the simulated market (every counterparty outside the accounts) received minus what it gave, per asset.
 * With it the conservation law is exact: Σ accounts (free + locked + fees paid) + flows = Σ starting balances.
 */
export class MarketFlows {
  private readonly flows = new Map<string, Dec>();

  add(asset: string, amount: Dec): void {
    this.flows.set(asset, (this.flows.get(asset) ?? ZERO).plus(amount));
  }

  snapshot(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [asset, v] of [...this.flows].sort(([a], [b]) => a.localeCompare(b))) out[asset] = str(v);
    return out;
  }
}
