/**
 * Every measurement kraken-arb writes, by name, with builders from domain values to points (pure).
 * src/metrics/README.md explains each one for an operator; scripts/setup_influxdb.sh aggregates
 * the `latencyMeasurements` (a test checks the two lists agree).
 */
import type { TradeOutcome } from '../core/trade-outcome.js';
import { int, type Point } from './line-protocol.js';

export const M_INGESTION_LATENCY = 'kraken_ingestion_latency';
export const M_EVALUATION_SPEED = 'arbitrage_evaluation_speed';
export const M_LOOP_SPEED = 'listener_loop_speed';
export const M_TRADE_MESSAGE_RECEIVE_SPEED = 'trade_message_receive_speed';
export const M_OPPORTUNITY = 'arbitrage_opportunity';
export const M_OPPORTUNITY_DROPPED = 'arbitrage_opportunity_dropped';
export const M_TRADE = 'trade';
export const M_STRANDED_INVENTORY = 'stranded_inventory';
export const M_RECONNECT = 'websocket_reconnect';
export const M_WORKER_RESTART = 'worker_restart';
export const M_FETCH_FAILURE = 'fetch_failure';
export const M_POINTS_DROPPED = 'metric_points_dropped';

/** Measurement → the field its continuous query aggregates, and the tag it groups by. */
export const latencyMeasurements: ReadonlyArray<{ measurement: string; field: string; groupBy?: string }> = [
  { measurement: M_INGESTION_LATENCY, field: 'latency', groupBy: 'pair' },
  { measurement: M_EVALUATION_SPEED, field: 'duration' },
  { measurement: M_LOOP_SPEED, field: 'duration' },
  { measurement: M_TRADE_MESSAGE_RECEIVE_SPEED, field: 'duration' },
];

const usPerSecond = 1e6;

/** Final result of one trade (src/core/trade-outcome.ts). */
export function tradePoint(t: TradeOutcome, atUs: number, mode: string): Point {
  return {
    measurement: M_TRADE,
    tags: { status: t.status, buy_pair: t.buyPair, sell_pair: t.sellPair, mode },
    fields: {
      trade_id: t.tradeId,
      bought_volume: t.boughtVolume,
      sold_volume: t.soldVolume,
      pnl_usd: t.pnlUsd,
      pnl_eur: t.pnlEur,
      stranded_volume: t.strandedVolume,
      decision_to_send: t.decisionToSendUs / usPerSecond,
      reason: t.reason,
    },
    timestampUs: atUs,
  };
}

/** Inventory left over by a trade whose sell leg did not complete (volume 0 once resolved). */
export function strandedInventoryPoint(asset: string, volume: number, tradeId: string, atUs: number): Point {
  return {
    measurement: M_STRANDED_INVENTORY,
    tags: { asset },
    fields: { volume, trade_id: tradeId },
    timestampUs: atUs,
  };
}

/** Opportunities the engine dropped since the last report, by reason (counter deltas). */
export function opportunityDroppedPoint(
  reason: string,
  listener: number,
  count: number,
  atUs: number,
): Point {
  return {
    measurement: M_OPPORTUNITY_DROPPED,
    tags: { reason, listener: String(listener) },
    fields: { count: int(count) },
    timestampUs: atUs,
  };
}

export function reconnectPoint(socket: string, count: number, atUs: number, downtimeUs?: number): Point {
  return {
    measurement: M_RECONNECT,
    tags: { socket },
    fields: { count: int(count), downtime: downtimeUs === undefined ? undefined : downtimeUs / usPerSecond },
    timestampUs: atUs,
  };
}

export function workerRestartPoint(
  worker: string,
  reason: string,
  exitCode: number | null,
  atUs: number,
): Point {
  return {
    measurement: M_WORKER_RESTART,
    tags: { worker, reason },
    fields: { count: int(1), exit_code: exitCode === null ? undefined : int(exitCode) },
    timestampUs: atUs,
  };
}

export function fetchFailurePoint(endpoint: string, code: string, atUs: number): Point {
  return {
    measurement: M_FETCH_FAILURE,
    tags: { endpoint, code },
    fields: { count: int(1) },
    timestampUs: atUs,
  };
}

export function pointsDroppedPoint(sink: string, reason: string, count: number, atUs: number): Point {
  return {
    measurement: M_POINTS_DROPPED,
    tags: { sink, reason },
    fields: { count: int(count) },
    timestampUs: atUs,
  };
}
