/**
 * Kraken REST wire types, as Kraken sends them (strings for decimals). docs/kraken-protocol.md §4,
 * docs.kraken.com/api/docs/rest-api/*. Parsers in rest-parse*.ts and asset-pairs.ts turn these
 * into domain values; nothing outside src/kraken should see them.
 */

/** Every REST answer: https://docs.kraken.com/api/docs/guides/spot-rest-intro */
export interface KrakenEnvelope<T> {
  error: string[];
  /** Absent or `{}` on failure. */
  result?: T;
}

/** GET /0/public/Time */
export interface KrakenTime {
  unixtime: number;
  rfc1123: string;
}

/** GET /0/public/SystemStatus */
export interface KrakenSystemStatus {
  status: 'online' | 'maintenance' | 'cancel_only' | 'post_only';
  timestamp: string;
}

/** One entry of GET /0/public/AssetPairs, keyed by pair id (e.g. `XXBTZUSD`). */
export interface KrakenAssetPair {
  altname: string;
  wsname: string;
  aclass_base?: string;
  base: string;
  aclass_quote?: string;
  quote: string;
  lot?: string;
  pair_decimals: number;
  cost_decimals: number;
  lot_decimals: number;
  lot_multiplier?: number;
  leverage_buy?: number[];
  leverage_sell?: number[];
  fees: Array<[number, number]>;
  fees_maker?: Array<[number, number]>;
  fee_volume_currency?: string;
  margin_call?: number;
  margin_stop?: number;
  ordermin: string;
  costmin?: string;
  tick_size?: string;
  status?: string;
  execution_venue?: string;
  long_position_limit?: number;
  short_position_limit?: number;
}

/** One entry of GET /0/public/Ticker, keyed by pair id. */
export interface KrakenTicker {
  /** [price, wholeLotVolume, lotVolume] */
  a: [string, string, string];
  b: [string, string, string];
  /** [price, lotVolume] */
  c: [string, string];
  /** [today, 24h] */
  v: [string, string];
  p: [string, string];
  t: [number, number];
  l: [string, string];
  h: [string, string];
  o: string;
}

/** POST /0/private/Balance: asset id → balance string. */
export type KrakenBalance = Record<string, string>;

/** POST /0/private/BalanceEx: asset id → balances (strings; the OAS example uses numbers, accept both). */
export type KrakenBalanceEx = Record<
  string,
  {
    balance: string | number;
    hold_trade?: string | number;
    credit?: string | number;
    credit_used?: string | number;
  }
>;

/** One fee entry of TradeVolume; values are percent strings. Both key spellings occur (docs/kraken-protocol.md §4.6). */
export interface KrakenFeeTierInfo {
  fee: string;
  minfee?: string;
  maxfee?: string;
  nextfee?: string | null;
  nextvolume?: string | null;
  tiervolume?: string | null;
  min_fee?: string;
  max_fee?: string;
  next_fee?: string | null;
  next_volume?: string | null;
  tier_volume?: string | null;
}

/** POST /0/private/TradeVolume */
export interface KrakenTradeVolume {
  currency: string;
  volume: string;
  fees?: Record<string, KrakenFeeTierInfo>;
  fees_maker?: Record<string, KrakenFeeTierInfo>;
}

/** POST /0/private/GetWebSocketsToken */
export interface KrakenWebSocketsToken {
  token: string;
  expires: number;
}

/** POST /0/private/AddOrder */
export interface KrakenAddOrderResult {
  descr: { order: string; close?: string };
  /** Absent when `validate` was set. */
  txid?: string[];
}

/** POST /0/private/CancelOrder */
export interface KrakenCancelOrderResult {
  count: number;
  pending?: boolean;
}

/** Order description inside order info. */
export interface KrakenOrderDescr {
  pair: string;
  type: 'buy' | 'sell';
  ordertype: string;
  price: string;
  price2: string;
  leverage: string;
  order: string;
  close: string;
}

/** One order of OpenOrders / ClosedOrders / QueryOrders (REST `price` is the average fill price). */
export interface KrakenOrderInfo {
  refid: string | null;
  userref: number | null;
  cl_ord_id?: string;
  status: 'pending' | 'open' | 'closed' | 'canceled' | 'expired';
  reason?: string | null;
  opentm: number;
  closetm?: number;
  starttm: number;
  expiretm: number;
  descr: KrakenOrderDescr;
  vol: string;
  vol_exec: string;
  cost: string;
  fee: string;
  price: string;
  stopprice: string;
  limitprice: string;
  misc: string;
  oflags: string;
  trades?: string[];
}

/** POST /0/private/OpenOrders */
export interface KrakenOpenOrders {
  open: Record<string, KrakenOrderInfo>;
}

/** POST /0/private/ClosedOrders */
export interface KrakenClosedOrders {
  closed: Record<string, KrakenOrderInfo>;
  count: number;
}

/** POST /0/private/QueryOrders: txid → order. */
export type KrakenQueryOrders = Record<string, KrakenOrderInfo>;

/** One trade of TradesHistory, keyed by trade txid. */
export interface KrakenTradeInfo {
  ordertxid: string;
  postxid: string;
  pair: string;
  time: number;
  type: 'buy' | 'sell';
  ordertype: string;
  price: string;
  cost: string;
  fee: string;
  vol: string;
  margin: string;
  leverage?: string;
  misc: string;
  ledgers?: string[];
  trade_id?: number;
  maker?: boolean;
}

/** POST /0/private/TradesHistory */
export interface KrakenTradesHistory {
  trades: Record<string, KrakenTradeInfo>;
  count: number;
}
