/**
 * Realized PnL of one trade. The trade spends one fiat (USD in direction 0, EUR in direction 1)
 * and receives the other; the USDT legs price the conversion between them, as in the ROI formula.
 * Fees are taken in the quote currency of each pair (docs/kraken-protocol.md §6: both legs ask for the fee in quote).
 *
 * Two valuations:
 *  - mark-to-mid: USD per EUR = mid(USDT/USD) / mid(USDT/EUR); gives pnlUsd and pnlEur;
 *  - executable: the received currency converted back to the spent one through the USDT legs at
 *    bid/ask with the stablecoin fee (what closing the cycle would really return); gives
 *    realizedRoi, comparable with the evaluation's roi.
 * Coin volume bought but not sold (stranded, dust) is reported, not valued.
 */
import { DIR_USD_TO_EUR, type Direction } from './opportunity.js';
import { soldTotals } from './trade-state.js';
import { type FillTotals, type TradeState } from './trade-types.js';

export interface StableQuotes {
  readonly usdtUsdBid: number;
  readonly usdtUsdAsk: number;
  readonly usdtEurBid: number;
  readonly usdtEurAsk: number;
  /** Stablecoin pair fee fraction (flat schedule), used for the executable conversion. */
  readonly stableFee: number;
}

export interface PnlInput extends StableQuotes {
  readonly direction: Direction;
  /** Buy leg totals: base volume; cost and fee in the spent currency. */
  readonly buy: FillTotals;
  /** Sell leg totals (all sell orders): base volume; cost and fee in the received currency. */
  readonly sold: FillTotals;
}

export interface Pnl {
  readonly spentCurrency: 'USD' | 'EUR';
  readonly receivedCurrency: 'USD' | 'EUR';
  /** Buy cost + buy fee. */
  readonly spent: number;
  /** Sell proceeds − sell fee. */
  readonly received: number;
  /** Base volume bought and not sold. */
  readonly unsoldVolume: number;
  /** USD per EUR at the USDT mids. */
  readonly eurUsd: number;
  readonly pnlUsd: number;
  readonly pnlEur: number;
  /** `received` converted to the spent currency through the USDT legs (bid/ask, stable fee). */
  readonly receivedConverted: number;
  /** receivedConverted / spent; NaN when nothing was spent. */
  readonly realizedRoi: number;
}

export function computePnl(i: PnlInput): Pnl {
  const usdToEur = i.direction === DIR_USD_TO_EUR;
  const spent = i.buy.cost + i.buy.fee;
  const received = i.sold.cost - i.sold.fee;
  const eurUsd = (i.usdtUsdBid + i.usdtUsdAsk) / (i.usdtEurBid + i.usdtEurAsk);
  const pnlUsd = usdToEur ? received * eurUsd - spent : received - spent * eurUsd;
  const fs = i.stableFee;
  // EUR → USDT (pay USDT/EUR ask + fee) → USD (get USDT/USD bid − fee), and the mirror for USD → EUR.
  const receivedConverted = usdToEur
    ? (received / (i.usdtEurAsk * (1 + fs))) * i.usdtUsdBid * (1 - fs)
    : (received / (i.usdtUsdAsk * (1 + fs))) * i.usdtEurBid * (1 - fs);
  return {
    spentCurrency: usdToEur ? 'USD' : 'EUR',
    receivedCurrency: usdToEur ? 'EUR' : 'USD',
    spent,
    received,
    unsoldVolume: Math.max(0, i.buy.volume - i.sold.volume),
    eurUsd,
    pnlUsd,
    pnlEur: pnlUsd / eurUsd,
    receivedConverted,
    realizedRoi: spent > 0 ? receivedConverted / spent : NaN,
  };
}

/** PnL straight from a finished TradeState. */
export function pnlOfTrade(state: TradeState, direction: Direction, quotes: StableQuotes): Pnl {
  return computePnl({ ...quotes, direction, buy: state.buy, sold: soldTotals(state) });
}
