/**
 * At start-up in trade mode: finish the journal's account of trades a crash interrupted. Kraken is
 * asked (by the trade's userref) what became of its orders; fills the journal lacks are journaled
 * from Kraken's totals, and the trade gets its outcome — stranded if coins were bought and not
 * all sold, which is alerted. Nothing is traded here; the operator decides what to do with them.
 */
import type { KrakenRestClient } from '../kraken/rest.js';
import type { OrderInfo } from '../kraken/order-parse.js';
import type { JournalWriter } from '../journal/journal-writer.js';
import { readJournal } from '../journal/journal-reader.js';
import { findUnfinishedTrades, type UnfinishedTrade } from '../journal/unfinished-trades.js';
import type { Logger } from '../log/logger.js';
import type { AlertEvent } from './messages.js';
import { errorText } from './worker-context.js';

/** Below this a leftover is float noise, not inventory. */
const VOLUME_EPSILON = 1e-9;

export interface RecoveryResult {
  unfinished: number;
  recovered: number;
  stranded: number;
  failed: number;
}

async function ordersOf(rest: KrakenRestClient, t: UnfinishedTrade): Promise<OrderInfo[]> {
  const open = await rest.openOrders({ userref: t.userref });
  const closed = await rest.closedOrders({ userref: t.userref, start: Math.floor(t.startedUs / 1e6) - 5 });
  const all = new Map<string, OrderInfo>();
  for (const o of [...Object.values(open), ...Object.values(closed.orders)]) {
    if (o.userref === t.userref || o.userref === null) all.set(o.txid, o);
  }
  return [...all.values()];
}

export async function recoverUnfinishedTrades(
  dir: string,
  journal: Pick<JournalWriter, 'append'>,
  rest: KrakenRestClient,
  log: Logger,
  alert: (a: AlertEvent) => void,
): Promise<RecoveryResult> {
  const unfinished = findUnfinishedTrades(
    readJournal(dir, { onWarning: (w) => log.warn('journal', { ...w }) }),
  );
  const result: RecoveryResult = { unfinished: unfinished.length, recovered: 0, stranded: 0, failed: 0 };
  for (const t of unfinished) {
    let orders: OrderInfo[];
    try {
      orders = await ordersOf(rest, t);
    } catch (err) {
      result.failed++;
      log.error('could not reconcile an interrupted trade', { tradeId: t.tradeId, error: errorText(err) });
      alert({
        key: 'recover',
        severity: 'critical',
        text: `Trade ${t.tradeId} was interrupted and could not be reconciled: ${errorText(err)}`,
      });
      continue;
    }
    let bought = 0;
    let sold = 0;
    for (const o of orders) {
      const missing = o.volumeExecuted - (t.journaledByTxid.get(o.txid) ?? 0);
      if (missing > VOLUME_EPSILON) {
        // Kraken's totals are the truth; the journal gets what it lacks, pro rata.
        const share = missing / o.volumeExecuted;
        const cost = o.cost * share;
        journal.append(o.type === 'buy' ? 'fill' : 'sell-fill', t.tradeId, {
          pair: o.type === 'buy' ? t.buyPair : t.sellPair,
          price: cost / missing,
          volume: missing,
          cost,
          fee: o.fee * share,
          fillId: `${o.txid}:recovered`,
          txid: o.txid,
          source: 'restart-recovery',
        });
      }
      if (o.type === 'buy') bought += o.volumeExecuted;
      else sold += o.volumeExecuted;
    }
    const left = bought - sold;
    const status = bought <= VOLUME_EPSILON ? 'not-filled' : left > VOLUME_EPSILON ? 'stranded' : 'sold';
    journal.append('reconciled', t.tradeId, {
      leg: 'restart',
      orders: orders.map((o) => o.txid),
      bought,
      sold,
    });
    if (status === 'stranded') {
      journal.append('stranded', t.tradeId, {
        asset: t.base,
        volume: left,
        reason: 'interrupted by a restart',
      });
      alert({
        key: 'recover-stranded',
        severity: 'critical',
        text: `Interrupted trade ${t.tradeId}: ${left} ${t.base} bought and not sold`,
      });
      result.stranded++;
    }
    journal.append('outcome', t.tradeId, { status, reason: 'recovered after a restart', bought, sold });
    log.warn('interrupted trade reconciled', {
      tradeId: t.tradeId,
      status,
      bought,
      sold,
      orders: orders.length,
    });
    result.recovered++;
  }
  return result;
}
