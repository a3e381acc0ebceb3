/**
 * Fees with their asset. Kraken charges a fee in the quote currency or in the base asset (oflags
 * fciq / fcib, v2 fee_preference), and v2 executions name each fee's asset (`fees: [{asset, qty}]`),
 * so a fee is an amount of an asset, not a number: summing fees of different assets (as the v2
 * order entry once did) or valuing a base-asset fee as quote money misstates PnL.
 *
 * Assets are named in the pair's v1 spelling (`XBT`, `XDG`, `USD`: PairInfo.base/quote) whichever
 * API reported them; an asset that is neither the base nor the quote keeps Kraken's spelling.
 */
import type { FeeAmount } from '../core/trade-types.js';
import { v1AssetCode } from './asset-pairs.js';

export interface PairAssets {
  /** v1 / wsname spelling, e.g. `XBT`, `USD`. */
  readonly base: string;
  readonly quote: string;
}

/** `XBT/USD` or `BTC/USD` → `{base: 'XBT', quote: 'USD'}` (v1 spelling). */
export function pairAssetsOf(name: string): PairAssets {
  const [base = '', quote = ''] = name.split('/');
  return { base: v1AssetCode(base), quote: v1AssetCode(quote) };
}

/** The fee asset in the pair's spelling when it is the pair's base or quote. */
export function normaliseFeeAsset(asset: string, pair: PairAssets): string {
  const a = v1AssetCode(asset);
  return a === pair.base || a === pair.quote ? a : asset;
}

/**
 * What the fees of a fill at `price` are worth in the quote currency: quote fees as they are,
 * base fees at the fill's price. Fees in any other asset cannot be valued here: `unvalued`.
 */
export function quoteValueOfFees(
  fees: readonly FeeAmount[],
  pair: PairAssets,
  price: number,
): { value: number; unvalued: FeeAmount[] } {
  let value = 0;
  const unvalued: FeeAmount[] = [];
  for (const f of fees) {
    if (f.asset === pair.quote) value += f.qty;
    else if (f.asset === pair.base && Number.isFinite(price)) value += f.qty * price;
    else unvalued.push(f);
  }
  return { value, unvalued };
}

/** Per-asset totals: `total` plus `more`, assets in order of first appearance. New array. */
export function addFees(total: readonly FeeAmount[], more: readonly FeeAmount[]): FeeAmount[] {
  const out = total.map((f) => ({ ...f }));
  for (const f of more) {
    const i = out.findIndex((x) => x.asset === f.asset);
    if (i >= 0) out[i] = { asset: f.asset, qty: (out[i] as FeeAmount).qty + f.qty };
    else out.push({ ...f });
  }
  return out;
}
