/** Worker entry: one listener (see ../listener.ts) on its own public WebSocket. */
import { workerData } from 'node:worker_threads';
import {
  attachSharedState,
  FEED_CONNECTING,
  FEED_DISCONNECTED,
  FEED_MAINTENANCE,
  FEED_ONLINE,
  FEED_CANCEL_ONLY,
  FEED_POST_ONLY,
  type SharedStateHandle,
} from '../shared/shared-state.js';
import { Listener, type ListenerStrategy } from '../listener.js';
import { pinCurrentThread } from './affinity.js';
import { alert, connectionBudget, onShutdownMessage, post, workerLogger } from './worker-context.js';
import { CTR_MALFORMED, CTR_RECONNECTS } from '../shared/shared-counters.js';
import { KRAKEN_WS_VERSIONS } from '../../kraken/versions.js';
import type { KrakenWsApi } from '../../kraken/endpoints.js';
import { MetricsRecorder } from '../../metrics/recorder.js';
import type { ListenerPairs } from '../../core/pair-universe.js';
import type { LogLevel } from '../../log/logger.js';
import { epochMicros } from '../../clock/clock.js';
import { feedDownAlert, feedRecoveredAlert } from '../../notify/alerts.js';

export interface ListenerWorkerData {
  index: number;
  pairs: ListenerPairs;
  shared: SharedStateHandle;
  wsUrl: string;
  wsApi: KrakenWsApi;
  strategy: ListenerStrategy;
  logLevel: LogLevel;
  cpu: number | null;
  record: boolean;
  /** createConnectionBudgetBuffer(): every attempt of this listener's socket takes from it. */
  connectionBudget: SharedArrayBuffer;
}

/** Metric batches and recorded frames leave the thread on this timer, never per frame. */
const FLUSH_INTERVAL_MS = 200;
/**
 * Start-up ends when every pair is online and quoted once; a pair that stays silent longer than
 * this (a thin market) does not keep the whole listener in start-up.
 */
const STARTUP_MAX_WAIT_MS = 60_000;
const RECORD_MAX_FRAMES_PER_FLUSH = 50_000;

const data = workerData as ListenerWorkerData;
const name = `listener-${data.index}`;
const log = workerLogger(data.logLevel, name);
if (data.cpu !== null) log.debug('pinning', { cpu: data.cpu, ...pinCurrentThread(data.cpu, name) });

const shared = attachSharedState(data.shared);
const recorder = new MetricsRecorder({ source: data.index, evaluationSampleEvery: 16, loopSampleEvery: 16 });
const nowUs = epochMicros;
const listener = new Listener(data.index, data.pairs, shared, data.strategy, recorder, nowUs);
const row = shared.counters.row(data.index);
const api = KRAKEN_WS_VERSIONS[data.wsApi];
// In the version's naming: v1 wsnames (XBT/USD), v2 symbols (BTC/USD).
const wsnames = data.pairs.pairs.map((p) => api.pairName(p));

const FEED_CODES: Record<string, number> = {
  online: FEED_ONLINE,
  maintenance: FEED_MAINTENANCE,
  cancel_only: FEED_CANCEL_ONLY,
  post_only: FEED_POST_ONLY,
  disconnected: FEED_DISCONNECTED,
};

let recordTimes: number[] = [];
let recordFrames: string[] = [];
let recordDropped = 0;
let wasOnline = false;
let downSinceMs = 0;
let shuttingDown = false;
let reconnectAttempts = 0;
let reconnectSinceMs = 0;
const startedMs = Date.now();
let warm = false;

shared.setFeedStatus(data.index, FEED_CONNECTING);
const feed = api.publicFeed(
  {
    url: data.wsUrl,
    pairs: wsnames,
    name,
    clockMicros: nowUs,
    connection: { budget: connectionBudget(data.connectionBudget, log) },
  },
  {
    onSpread: (i, out) => listener.onSpread(i, out),
    onFeedStatus: (online, status) => {
      listener.setFeedOnline(online);
      shared.setFeedStatus(data.index, FEED_CODES[status] ?? FEED_DISCONNECTED);
      if (online && reconnectAttempts > 0) {
        const downtimeMs = Date.now() - reconnectSinceMs;
        post({ type: 'reconnect', socket: name, attempts: reconnectAttempts, downtimeMs });
        reconnectAttempts = 0;
      }
      if (online && !wasOnline) {
        log.info('feed online', { pairs: wsnames.length });
        if (downSinceMs > 0) {
          alert(feedRecoveredAlert(data.index, name, Date.now() - downSinceMs));
        }
        downSinceMs = 0;
      } else if (!online && wasOnline && !shuttingDown) {
        downSinceMs = Date.now();
        log.warn('feed offline', { status });
        alert(feedDownAlert(data.index, name, status));
      }
      wasOnline = online;
    },
    onPairStatus: (i, online, status, errorMessage) => {
      listener.setPairOnline(i, online);
      if (errorMessage !== undefined)
        log.warn('pair subscription error', { pair: wsnames[i], status, errorMessage });
    },
    onProtocolError: (code, message) => {
      // An unparsable object frame is bad input like a broken spread frame: counted, not only logged.
      if (code === 'BAD_EVENT') row[CTR_MALFORMED] = (row[CTR_MALFORMED] as number) + 1;
      log.warn('feed protocol error', { code, message });
    },
    onRejectedFrame: (reason) => {
      row[CTR_MALFORMED] = (row[CTR_MALFORMED] as number) + 1;
      log.debug('malformed frame', { reason: api.rejectNames[reason] ?? reason });
    },
    onReconnecting: (delayMs, reason, attempt) => {
      row[CTR_RECONNECTS] = (row[CTR_RECONNECTS] as number) + 1;
      if (reconnectAttempts++ === 0) reconnectSinceMs = Date.now();
      log.warn('feed reconnecting', { delayMs, reason, attempt });
    },
    onRawFrame: data.record
      ? (frame, recvUs) => {
          if (recordFrames.length >= RECORD_MAX_FRAMES_PER_FLUSH) {
            recordDropped++;
            return;
          }
          recordTimes.push(recvUs);
          recordFrames.push(frame.toString('utf8'));
        }
      : undefined,
  },
);

/** Tells main once when start-up is over, so the run summary can tell its drops from the steady state's. */
function checkWarm(): void {
  if (warm) return;
  const waiting = listener.table.notReadyCount();
  if (waiting > 0 && Date.now() - startedMs < STARTUP_MAX_WAIT_MS) return;
  warm = true;
  post({ type: 'feed-warm', listener: data.index, pairsWaiting: waiting });
}

const flushTimer = setInterval(() => {
  checkWarm();
  const batch = recorder.takeBatch();
  if (batch) post({ type: 'metrics', batch });
  if (recordFrames.length > 0) {
    post({
      type: 'frames',
      listener: data.index,
      recvUs: Float64Array.from(recordTimes),
      text: recordFrames,
    });
    recordTimes = [];
    recordFrames = [];
  }
  if (recordDropped > 0) {
    log.warn('recorder fell behind; frames not recorded', { dropped: recordDropped });
    recordDropped = 0;
  }
}, FLUSH_INTERVAL_MS);

onShutdownMessage(() => {
  shuttingDown = true;
  clearInterval(flushTimer);
  feed.close();
  const batch = recorder.takeBatch();
  if (batch) post({ type: 'metrics', batch });
  shared.setFeedStatus(data.index, FEED_DISCONNECTED);
  process.exit(0);
});

feed.start();
post({ type: 'ready', detail: { listener: data.index, pairs: wsnames.length } });
