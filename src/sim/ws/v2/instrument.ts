/**
 * The v2 `instrument` snapshot (docs/kraken-protocol.md §3.7): assets and pairs under their v2 names
 * (`BTC/USD`, base `BTC`), precisions from the pair's AssetPairs data: qty_precision = lot_decimals,
 * price_precision = pair_decimals, price_increment = tick_size. The pairs never change while the
 * simulator runs, so the snapshot is built once per server and only ever sent as a snapshot.
 */
import type { PairStatus } from '../../../core/pair.js';
import type { SimPair } from '../../contracts.js';
import { v2Num } from './wire.js';

/** Kraken's v2 pair statuses; `unknown` (no status in AssetPairs) is shown as work in progress. */
const PAIR_STATUS: Record<PairStatus, string> = {
  online: 'online',
  cancel_only: 'cancel_only',
  post_only: 'post_only',
  limit_only: 'limit_only',
  reduce_only: 'reduce_only',
  maintenance: 'maintenance',
  delisted: 'delisted',
  unknown: 'work_in_progress',
};
/** Asset precision shown when no pair says more (Kraken shows 10 for most crypto, 4 for fiat). */
const MIN_ASSET_PRECISION = 4;
const MAX_DISPLAY_PRECISION = 5;

/** v2 base and quote of a pair, from its v2 symbol (`BTC/USD` → BTC, USD). */
export function v2Assets(pair: SimPair): { base: string; quote: string } {
  const slash = pair.symbol.indexOf('/');
  if (slash <= 0) return { base: pair.base, quote: pair.quote };
  return { base: pair.symbol.slice(0, slash), quote: pair.symbol.slice(slash + 1) };
}

/** The whole `{"channel":"instrument","type":"snapshot","data":{assets,pairs}}` frame. */
export function instrumentSnapshotFrame(pairs: readonly SimPair[]): string {
  const precision = new Map<string, number>();
  const bump = (asset: string, p: number): void => {
    precision.set(asset, Math.max(precision.get(asset) ?? MIN_ASSET_PRECISION, p));
  };
  const pairJson: string[] = [];
  for (const p of pairs) {
    const { base, quote } = v2Assets(p);
    bump(base, p.lotDecimals);
    bump(quote, p.costDecimals);
    const qtyIncrement = v2Num(10 ** -p.lotDecimals, p.lotDecimals);
    const priceIncrement = v2Num(p.tickSize, p.pairDecimals);
    pairJson.push(
      `{"symbol":${JSON.stringify(p.symbol)},"base":${JSON.stringify(base)},"quote":${JSON.stringify(quote)},` +
        `"status":"${PAIR_STATUS[p.status] ?? 'work_in_progress'}","qty_precision":${p.lotDecimals},` +
        `"qty_increment":${qtyIncrement},"price_precision":${p.pairDecimals},"cost_precision":${p.costDecimals},` +
        `"marginable":false,"has_index":false,"cost_min":${v2Num(p.costmin, p.costDecimals)},` +
        `"tick_size":${priceIncrement},"price_increment":${priceIncrement},` +
        `"qty_min":${v2Num(p.ordermin, p.lotDecimals)}}`,
    );
  }
  const assetJson: string[] = [];
  for (const [id, prec] of [...precision.entries()].sort((a, b) =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0,
  )) {
    assetJson.push(
      `{"id":${JSON.stringify(id)},"status":"enabled","precision":${prec},` +
        `"precision_display":${Math.min(prec, MAX_DISPLAY_PRECISION)},"borrowable":false,` +
        `"collateral_value":0,"margin_rate":0}`,
    );
  }
  return `{"channel":"instrument","type":"snapshot","data":{"assets":[${assetJson.join(',')}],"pairs":[${pairJson.join(',')}]}}`;
}
