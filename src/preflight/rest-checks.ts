/**
 * The preflight's REST checks: Kraken reachable and its status, clock skew against `Time`, the
 * pairs discovered, the key's permissions (each named by Kraken's own error), balances and fees.
 * Read-only: every call here only reads; no order is ever sent.
 */
import { selectUniverse, type PairUniverse } from '../core/pair-universe.js';
import { KrakenError, KrakenTransportError } from '../kraken/errors.js';
import type { KrakenRestClient } from '../kraken/rest.js';
import { check, type CheckResult } from './check.js';

/** Kraken's `Time` has one-second resolution: a skew under this is within its error. */
export const MAX_CLOCK_SKEW_OK_S = 1;
/** Order deadlines and nonces are taken from the local clock: beyond this, trading must not start. */
export const MAX_CLOCK_SKEW_S = 2;
/** A txid no order has: QueryOrders with it proves the permission without touching an order. */
const PROBE_TXID = 'OAAAAA-AAAAA-AAAAAA';

/** What each private call needs on the key, in Kraken's key-settings words. */
const PERMISSIONS: ReadonlyArray<readonly [string, string]> = [
  ['BalanceEx', 'Query Funds'],
  ['TradeVolume', 'Query Funds'],
  ['QueryOrders', 'Query Open Orders & Trades, Query Closed Orders & Trades'],
  ['GetWebSocketsToken', 'WebSocket interface (Access WebSockets API)'],
];

function errorText(err: unknown): string {
  if (err instanceof KrakenError) return err.raw;
  return err instanceof Error ? err.message : String(err);
}

export async function reachability(rest: KrakenRestClient): Promise<CheckResult> {
  try {
    const s = await rest.systemStatus();
    if (s.status === 'online') return check('Kraken REST', 'ok', `reachable; system status online`);
    return check(
      'Kraken REST',
      'fail',
      `reachable; system status ${s.status}`,
      s.status === 'maintenance'
        ? 'Kraken is in maintenance: no order can be placed until it is back online'
        : `the engine accepts only ${s.status.replace('_', '-')} orders; the bot's taker orders would be refused`,
    );
  } catch (err) {
    const where = err instanceof KrakenTransportError ? 'unreachable' : 'answered badly';
    return check(
      'Kraken REST',
      'fail',
      `${where}: ${errorText(err)}`,
      'check KRAKEN_REST_URL and the network',
    );
  }
}

export async function clockSkew(rest: KrakenRestClient, nowMs: () => number): Promise<CheckResult> {
  try {
    const before = nowMs();
    const t = await rest.time();
    const local = (before + nowMs()) / 2000;
    const skew = local - t.unixtime;
    const detail = `local clock ${skew >= 0 ? 'ahead of' : 'behind'} Kraken by ${Math.abs(skew).toFixed(1)} s (Time has 1 s resolution)`;
    if (Math.abs(skew) > MAX_CLOCK_SKEW_S)
      return check('Clock', 'fail', detail, 'order deadlines are set from this clock: sync it (NTP) first');
    if (Math.abs(skew) > MAX_CLOCK_SKEW_OK_S)
      return check('Clock', 'warn', detail, 'close to the limit; keep the clock synchronised (NTP)');
    return check('Clock', 'ok', detail);
  } catch (err) {
    return check('Clock', 'fail', `Time failed: ${errorText(err)}`);
  }
}

export async function pairs(
  rest: KrakenRestClient,
): Promise<{ result: CheckResult; universe: PairUniverse | null }> {
  try {
    const parsed = await rest.assetPairs();
    const u = selectUniverse(parsed.pairs);
    const detail =
      `${parsed.pairs.length} pairs; ${u.coins.length} coins trade on both USD and EUR` +
      (u.excluded.length > 0
        ? `; ${u.excluded.length} left out (e.g. ${u.excluded[0]?.base}: stablecoin fee schedule)`
        : '') +
      (parsed.rejected.length > 0 ? `; ${parsed.rejected.length} unreadable entries skipped` : '');
    return { result: check('Pairs', 'ok', detail), universe: u };
  } catch (err) {
    return { result: check('Pairs', 'fail', errorText(err), 'no tradable universe'), universe: null };
  }
}

/** Each private call the bot makes, tried read-only; a missing permission is named by Kraken's error. */
export async function permissions(rest: KrakenRestClient, coinPairId: string): Promise<CheckResult[]> {
  const calls: Record<string, () => Promise<unknown>> = {
    BalanceEx: () => rest.balanceEx(),
    TradeVolume: () => rest.tradeVolume([coinPairId]),
    QueryOrders: () => rest.queryOrders([PROBE_TXID]),
    GetWebSocketsToken: () => rest.getWebSocketsToken(),
  };
  const out: CheckResult[] = [];
  for (const [method, permission] of PERMISSIONS) {
    const name = `Key: ${method}`;
    try {
      await (calls[method] as () => Promise<unknown>)();
      out.push(check(name, 'ok', `allowed (${permission})`));
    } catch (err) {
      const text = errorText(err);
      if (err instanceof KrakenError && err.code === 'EGeneral:Permission denied')
        out.push(check(name, 'fail', `Kraken: ${text}`, `enable "${permission}" on the API key`));
      else if (
        err instanceof KrakenError &&
        (err.code === 'EAPI:Invalid key' || err.code === 'EAPI:Invalid signature')
      )
        out.push(
          check(name, 'fail', `Kraken: ${text}`, 'KRAKEN_KEY / KRAKEN_SECRET are not a valid key pair'),
        );
      else if (err instanceof KrakenError && method === 'QueryOrders')
        // Any other answer to the probe id means the key was allowed to ask.
        out.push(check(name, 'ok', `allowed (${permission}); Kraken: ${text} for a probe id`));
      else out.push(check(name, 'fail', text));
    }
  }
  return out;
}

const BALANCE_ASSETS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['USD', ['ZUSD', 'USD']],
  ['EUR', ['ZEUR', 'EUR']],
  ['USDT', ['USDT']],
];

export async function balances(rest: KrakenRestClient): Promise<CheckResult> {
  try {
    const b = await rest.balanceEx();
    const avail = (ids: readonly string[]): number => ids.reduce((s, id) => s + (b[id]?.available ?? 0), 0);
    const parts = BALANCE_ASSETS.map(([code, ids]) => `${code} ${avail(ids).toFixed(2)}`);
    const usd = avail(['ZUSD', 'USD']);
    const eur = avail(['ZEUR', 'EUR']);
    const status = usd > 0 || eur > 0 ? 'ok' : 'fail';
    return check(
      'Balances',
      status,
      `available ${parts.join(', ')}`,
      status === 'ok'
        ? 'a buy spends USD or EUR (whichever leg is cheaper), never more than MAX_ORDER_VALUE or what is available'
        : 'no USD or EUR available: no buy can be placed',
    );
  } catch (err) {
    return check('Balances', 'skip', errorText(err));
  }
}

export async function fees(
  rest: KrakenRestClient,
  coinPairId: string,
  stablePairId: string,
): Promise<CheckResult> {
  try {
    const tv = await rest.tradeVolume([coinPairId, stablePairId]);
    const pct = (id: string): string => {
      const f = tv.fees[id]?.fee;
      return f === undefined ? 'n/a' : `${(f * 100).toFixed(2)} %`;
    };
    return check(
      'Fees',
      'ok',
      `taker ${pct(coinPairId)} on coins (${coinPairId}), ${pct(stablePairId)} on USDT (${stablePairId}); 30-day volume ${tv.volume.toFixed(0)} ${tv.currency}`,
      "the evaluation takes both legs' taker fees out of every opportunity before comparing it with MIN_ROI",
    );
  } catch (err) {
    return check('Fees', 'skip', errorText(err));
  }
}
