/**
 * Typed Kraken REST client: one method per endpoint the system uses, results parsed and validated
 * into domain values (numbers, fee fractions). Transport, signing, retries and limits: rest-transport.ts.
 */
import { parseAssetPairs, type AssetPairsParseResult } from './asset-pairs.js';
import { KrakenResponseError } from './errors.js';
import { OrderOutcomeUnknownError } from './order-errors.js';
import {
  buildAddOrderParams,
  parseAddOrder,
  parseCancelOrder,
  parseClosedOrders,
  parseOpenOrders,
  parseQueryOrders,
  parseTradesHistory,
  type AddOrderRequest,
  type AddOrderResult,
  type CancelOrderResult,
  type OrderInfo,
  type TradeInfo,
} from './order-parse.js';
import {
  parseBalance,
  parseBalanceEx,
  parseSystemStatus,
  parseTicker,
  parseTime,
  parseTradeVolume,
  parseWebSocketsToken,
  type BalanceExEntry,
  type ServerTime,
  type SystemStatusInfo,
  type TickerInfo,
  type TradeVolumeInfo,
  type WebSocketsToken,
} from './rest-parse.js';
import { KrakenRestTransport } from './rest-transport.js';

/** Kraken's cap on txids per QueryOrders call. */
export const QUERY_ORDERS_MAX_TXIDS = 50;

export type CancelOrderRef = string | number | { readonly clOrdId: string };

export interface OpenOrdersOptions {
  readonly trades?: boolean;
  readonly userref?: number;
  readonly clOrdId?: string;
}

export interface HistoryOptions {
  readonly trades?: boolean;
  readonly userref?: number;
  /** Epoch seconds or txid bounds, as Kraken accepts them. */
  readonly start?: number | string;
  readonly end?: number | string;
  readonly ofs?: number;
}

export class KrakenRestClient extends KrakenRestTransport {
  async time(signal?: AbortSignal): Promise<ServerTime> {
    return parseTime(await this.publicRequest('Time', {}, signal));
  }

  async systemStatus(signal?: AbortSignal): Promise<SystemStatusInfo> {
    return parseSystemStatus(await this.publicRequest('SystemStatus', {}, signal));
  }

  /** All pairs, or only `pairs` (ids or altnames). Bad pairs are in `rejected`, dark pools skipped. */
  async assetPairs(pairs?: readonly string[], signal?: AbortSignal): Promise<AssetPairsParseResult> {
    return parseAssetPairs(await this.publicRequest('AssetPairs', { pair: joinList(pairs) }, signal));
  }

  /** Keyed by pair id even when asked by altname. */
  async ticker(pairs?: readonly string[], signal?: AbortSignal): Promise<Record<string, TickerInfo>> {
    return parseTicker(await this.publicRequest('Ticker', { pair: joinList(pairs) }, signal));
  }

  /** Asset id (`ZUSD`, `XXBT`, `USDT`, `XBT.F`, ...) → amount. */
  async balance(signal?: AbortSignal): Promise<Record<string, number>> {
    return parseBalance(await this.privateRequest('Balance', {}, signal));
  }

  async balanceEx(signal?: AbortSignal): Promise<Record<string, BalanceExEntry>> {
    return parseBalanceEx(await this.privateRequest('BalanceEx', {}, signal));
  }

  /** Fees are returned only for the pairs asked for (pair ids), as fractions. */
  async tradeVolume(pairs: readonly string[], signal?: AbortSignal): Promise<TradeVolumeInfo> {
    return parseTradeVolume(await this.privateRequest('TradeVolume', { pair: joinList(pairs) }, signal));
  }

  async getWebSocketsToken(signal?: AbortSignal): Promise<WebSocketsToken> {
    return parseWebSocketsToken(await this.privateRequest('GetWebSocketsToken', {}, signal));
  }

  /**
   * Never retried. Kraken's refusal → KrakenError; anything that leaves the outcome open (timeout,
   * lost connection, 5xx, internal error, an unreadable answer) → OrderOutcomeUnknownError.
   */
  async addOrder(req: AddOrderRequest, signal?: AbortSignal): Promise<AddOrderResult> {
    const result = await this.privateRequest('AddOrder', buildAddOrderParams(req), signal);
    return parseOrUnknown('AddOrder', () => parseAddOrder(result, req.validate === true));
  }

  /** By txid, userref (number) or client order id. Never retried; see addOrder. */
  async cancelOrder(ref: CancelOrderRef, signal?: AbortSignal): Promise<CancelOrderResult> {
    const params = typeof ref === 'object' ? { cl_ord_id: ref.clOrdId } : { txid: String(ref) };
    const result = await this.privateRequest('CancelOrder', params, signal);
    return parseOrUnknown('CancelOrder', () => parseCancelOrder(result));
  }

  async openOrders(
    options: OpenOrdersOptions = {},
    signal?: AbortSignal,
  ): Promise<Record<string, OrderInfo>> {
    const params = { trades: options.trades, userref: options.userref, cl_ord_id: options.clOrdId };
    return parseOpenOrders(await this.privateRequest('OpenOrders', params, signal));
  }

  async closedOrders(
    options: HistoryOptions = {},
    signal?: AbortSignal,
  ): Promise<{ orders: Record<string, OrderInfo>; count: number }> {
    return parseClosedOrders(await this.privateRequest('ClosedOrders', historyParams(options), signal));
  }

  /** Any number of txids; sent in chunks of QUERY_ORDERS_MAX_TXIDS and merged. */
  async queryOrders(
    txids: readonly string[],
    options: { trades?: boolean; userref?: number } = {},
    signal?: AbortSignal,
  ): Promise<Record<string, OrderInfo>> {
    const out: Record<string, OrderInfo> = {};
    for (let i = 0; i < txids.length; i += QUERY_ORDERS_MAX_TXIDS) {
      const chunk = txids.slice(i, i + QUERY_ORDERS_MAX_TXIDS);
      const params = { txid: chunk.join(','), trades: options.trades, userref: options.userref };
      Object.assign(out, parseQueryOrders(await this.privateRequest('QueryOrders', params, signal)));
    }
    return out;
  }

  async tradesHistory(
    options: HistoryOptions = {},
    signal?: AbortSignal,
  ): Promise<{ trades: Record<string, TradeInfo>; count: number }> {
    return parseTradesHistory(await this.privateRequest('TradesHistory', historyParams(options), signal));
  }
}

function joinList(list: readonly string[] | undefined): string | undefined {
  return list === undefined || list.length === 0 ? undefined : list.join(',');
}

function historyParams(o: HistoryOptions): Record<string, string | number | boolean | undefined> {
  return { trades: o.trades, userref: o.userref, start: o.start, end: o.end, ofs: o.ofs };
}

/** A malformed answer to an order call means we do not know what happened: never report it as a rejection. */
function parseOrUnknown<T>(method: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof KrakenResponseError) throw OrderOutcomeUnknownError.afterRestCall(method, err);
    throw err;
  }
}
