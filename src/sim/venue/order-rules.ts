/**
 * Small rules of the venue, kept apart from its state: which system/pair status refuses an order,
 * Kraken's order description text, cancel reasons, and how one fill moves money.
 */
import type { OrderRequest, SimOrder, SimPair, SystemStatus } from '../contracts.js';
import type { Account } from './accounts.js';
import { assetDecimals, BALANCE_DECIMALS } from './accounts.js';
import { fixed, roundTo } from './decimal.js';

/** Kraken's cancel reasons (v1 openOrders `cancel_reason`); exact live wording is [U]. */
export const CANCEL_REASON = {
  user: 'User requested',
  iocRemainder: 'Order would not fill (IOC)',
  postOnly: 'Post only order',
  noLiquidity: 'Insufficient liquidity',
  fundsExhausted: 'Insufficient funds',
} as const;

/** Kraken's error for a pair it does not list (REST, WebSocket v1 and v2 alike). */
export const UNKNOWN_PAIR = 'EQuery:Unknown asset pair';

/** Kraken's refusal for the engine-wide status and the pair's own status; undefined = allowed. */
export function statusError(system: SystemStatus, pair: SimPair, req: OrderRequest): string | undefined {
  const post = req.ordertype === 'limit' && (req.oflags ?? '').split(',').includes('post');
  const st = pair.status;
  if (system === 'maintenance' || st === 'maintenance') return 'EService:Unavailable';
  if (st === 'delisted') return UNKNOWN_PAIR;
  if (system === 'cancel_only' || st === 'cancel_only') return 'EService:Market in cancel_only mode';
  if ((system === 'post_only' || st === 'post_only') && !post) return 'EService:Market in post_only mode';
  if (st === 'limit_only' && req.ordertype !== 'limit') return 'EService:Market in limit_only mode';
  return undefined;
}

/** `buy 1.25000000 XBTUSD @ limit 37500.0` / `sell 0.50000000 XBTUSD @ market`. */
export function describeOrder(
  pair: SimPair,
  type: string,
  ordertype: string,
  volume: number,
  price: number,
): string {
  const v = fixed(volume, pair.lotDecimals);
  return ordertype === 'market'
    ? `${type} ${v} ${pair.altname} @ market`
    : `${type} ${v} ${pair.altname} @ limit ${fixed(price, pair.pairDecimals)}`;
}

/** The order's fee is taken in its base asset (`fcib` recorded in its oflags; see validate-order.ts). */
export function feeInBase(oflags: string): boolean {
  return oflags.split(',').includes('fcib');
}

/**
 * Settles one taker fill. Fee in quote (fciq): rounded to cost_decimals; the buyer pays cost + fee,
 * the seller receives cost − fee. Fee in base (fcib): the taker rate of the base volume, rounded
 * to the base asset's decimals; the buyer receives qty − fee, the seller gives qty + fee. `fee` is
 * in the fee's currency; the order's totals follow.
 */
export function settleFill(
  acct: Account,
  pair: SimPair,
  order: SimOrder,
  price: number,
  qty: number,
  takerPct: number,
): { cost: number; fee: number } {
  const cost = roundTo(price * qty, pair.costDecimals);
  const inBase = feeInBase(order.oflags);
  const fee = inBase
    ? roundTo((qty * takerPct) / 100, assetDecimals(pair.baseId))
    : roundTo((cost * takerPct) / 100, pair.costDecimals);
  const baseFee = inBase ? fee : 0;
  const quoteFee = inBase ? 0 : fee;
  if (order.type === 'buy') {
    acct.debit(pair.quoteId, cost + quoteFee);
    acct.credit(pair.baseId, qty - baseFee);
  } else {
    acct.debit(pair.baseId, qty + baseFee);
    acct.credit(pair.quoteId, cost - quoteFee);
  }
  order.volExec = roundTo(order.volExec + qty, pair.lotDecimals);
  order.cost = roundTo(order.cost + cost, pair.costDecimals);
  order.fee = roundTo(order.fee + fee, inBase ? assetDecimals(pair.baseId) : pair.costDecimals);
  order.avgPrice = roundTo(order.cost / order.volExec, BALANCE_DECIMALS);
  return { cost, fee };
}
