/**
 * v2 `ticker` payloads (docs/kraken-protocol.md §3.5) and the rolling statistics behind them.
 *
 * The simulator has no public trade tape, so the statistics are approximations: `last`, `volume`
 * and `vwap` come from the venue's fills on the pair (every simulated account's trades are the
 * pair's public trades), or the mid price before the first fill; `low`/`high`/`change` follow the
 * mids and fills seen since the server started.
 */
import type { BookLevel, SimPair } from '../../contracts.js';
import { rfc3339, v2Num } from './wire.js';

/** change_pct decimals, as Kraken shows it. */
const CHANGE_PCT_DECIMALS = 2;

export class TickerStats {
  open = NaN;
  high = NaN;
  low = NaN;
  last = NaN;
  volume = 0;
  notional = 0;
  /** Best bid/ask last sent on the bbo channel (NaN: none yet). */
  bid = NaN;
  bidQty = NaN;
  ask = NaN;
  askQty = NaN;
  /** Best bid/ask last sent on the trades channel. */
  tBid = NaN;
  tBidQty = NaN;
  tAsk = NaN;
  tAskQty = NaN;

  observe(price: number): void {
    if (!(price > 0)) return;
    if (Number.isNaN(this.open)) this.open = this.high = this.low = price;
    if (price > this.high) this.high = price;
    if (price < this.low) this.low = price;
  }

  /** A fill on the pair: the ticker's trade-driven fields move. */
  trade(price: number, qty: number): void {
    this.observe(price);
    this.last = price;
    this.volume += qty;
    this.notional += price * qty;
  }

  bboChanged(bid: BookLevel, ask: BookLevel): boolean {
    return (
      bid.price !== this.bid || bid.qty !== this.bidQty || ask.price !== this.ask || ask.qty !== this.askQty
    );
  }

  rememberBbo(bid: BookLevel, ask: BookLevel): void {
    this.bid = bid.price;
    this.bidQty = bid.qty;
    this.ask = ask.price;
    this.askQty = ask.qty;
  }

  tradesBboChanged(bid: BookLevel, ask: BookLevel): boolean {
    return (
      bid.price !== this.tBid ||
      bid.qty !== this.tBidQty ||
      ask.price !== this.tAsk ||
      ask.qty !== this.tAskQty
    );
  }

  rememberTradesBbo(bid: BookLevel, ask: BookLevel): void {
    this.tBid = bid.price;
    this.tBidQty = bid.qty;
    this.tAsk = ask.price;
    this.tAskQty = ask.qty;
  }
}

/** `{"channel":"ticker","type":...,"data":[{...}]}` for one pair. */
export function tickerFrame(
  pair: SimPair,
  symbolJson: string,
  st: TickerStats,
  bid: BookLevel,
  ask: BookLevel,
  type: 'snapshot' | 'update',
  ts: number,
): string {
  const pd = pair.pairDecimals;
  const ld = pair.lotDecimals;
  const mid = (bid.price + ask.price) / 2;
  st.observe(mid);
  const last = Number.isNaN(st.last) ? mid : st.last;
  const vwap = st.volume > 0 ? st.notional / st.volume : last;
  const change = last - st.open;
  const changePct = st.open > 0 ? (change / st.open) * 100 : 0;
  return (
    `{"channel":"ticker","type":"${type}","data":[{"symbol":${symbolJson},` +
    `"bid":${v2Num(bid.price, pd)},"bid_qty":${v2Num(bid.qty, ld)},` +
    `"ask":${v2Num(ask.price, pd)},"ask_qty":${v2Num(ask.qty, ld)},` +
    `"last":${v2Num(last, pd)},"volume":${v2Num(st.volume, ld)},"vwap":${v2Num(vwap, pd)},` +
    `"low":${v2Num(st.low, pd)},"high":${v2Num(st.high, pd)},` +
    `"change":${v2Num(change, pd)},"change_pct":${v2Num(changePct, CHANGE_PCT_DECIMALS)},` +
    `"timestamp":"${rfc3339(ts)}"}]}`
  );
}
