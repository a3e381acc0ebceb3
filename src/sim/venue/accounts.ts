/**
 * One API key's money: asset id → balance and hold. Amounts are rounded to BALANCE_DECIMALS after
 * every change so that a long run of fills never accumulates binary noise: a balance always equals
 * its start plus the exact sum of the (rounded) trade amounts.
 */
import { roundTo } from './decimal.js';

/** Internal precision; REST formats with each asset's display decimals. */
export const BALANCE_DECIMALS = 10;

export interface AssetBalance {
  balance: number;
  hold: number;
}

export class Account {
  readonly assets = new Map<string, AssetBalance>();
  /** 30-day traded volume in USD (drives the fee tier). */
  volumeUsd: number;

  constructor(initial: Readonly<Record<string, number>>, initialVolumeUsd = 0) {
    for (const [id, amount] of Object.entries(initial))
      this.assets.set(id, { balance: roundTo(amount, BALANCE_DECIMALS), hold: 0 });
    this.volumeUsd = initialVolumeUsd;
  }

  private slot(id: string): AssetBalance {
    let b = this.assets.get(id);
    if (b === undefined) {
      b = { balance: 0, hold: 0 };
      this.assets.set(id, b);
    }
    return b;
  }

  available(id: string): number {
    const b = this.assets.get(id);
    return b === undefined ? 0 : roundTo(b.balance - b.hold, BALANCE_DECIMALS);
  }

  credit(id: string, amount: number): void {
    const b = this.slot(id);
    b.balance = roundTo(b.balance + amount, BALANCE_DECIMALS);
  }

  debit(id: string, amount: number): void {
    const b = this.slot(id);
    b.balance = roundTo(b.balance - amount, BALANCE_DECIMALS);
  }

  addHold(id: string, amount: number): void {
    const b = this.slot(id);
    b.hold = roundTo(b.hold + amount, BALANCE_DECIMALS);
  }

  releaseHold(id: string, amount: number): void {
    const b = this.slot(id);
    // Never below zero: a hold is released at most once, but rounding must not leave -1e-10.
    b.hold = Math.max(0, roundTo(b.hold - amount, BALANCE_DECIMALS));
  }
}

/** Display decimals per asset, as Kraken's Balance shows them (fiat 4, stablecoins 8, crypto 10). */
export function assetDecimals(assetId: string): number {
  if (/^Z[A-Z]{3}$/.test(assetId)) return 4;
  if (assetId === 'USDT' || assetId === 'USDC' || assetId === 'DAI') return 8;
  return 10;
}
