/**
 * One listener (see ../listener.ts) on its own public WebSocket, in whichever thread hosts it: its
 * own worker (listener-worker.ts), or the trader's when TRADER_HOSTS_LISTENER is set
 * (trader-worker.ts), where an opportunity reaches the trader without a thread hand-off.
 */
import {
  FEED_CONNECTING,
  FEED_DISCONNECTED,
  FEED_MAINTENANCE,
  FEED_ONLINE,
  FEED_CANCEL_ONLY,
  FEED_POST_ONLY,
  type SharedState,
  type SharedStateHandle,
} from '../shared/shared-state.js';
import { Listener, type ListenerStrategy } from '../listener.js';
import { alert, connectionBudget, post } from './worker-context.js';
import { CTR_MALFORMED, CTR_RECONNECTS } from '../shared/shared-counters.js';
import { KRAKEN_WS_VERSIONS, type KrakenPublicFeed, type KrakenWsVersion } from '../../kraken/versions.js';
import type { PublicFeedHandlers } from '../../kraken/ws/shared/public-feed-base.js';
import type { TickerRejectCode } from '../../kraken/ws/v2/ticker-reject.js';
import type { KrakenWsApi } from '../../kraken/endpoints.js';
import { MetricsRecorder } from '../../metrics/recorder.js';
import type { ListenerPairs } from '../../core/pair-universe.js';
import type { LogLevel, Logger } from '../../log/logger.js';
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

export interface HostedListener {
  readonly listener: Listener;
  readonly pairCount: number;
  /** Closes the feed and sends the last metric batch; the feed shows as disconnected. */
  stop(): void;
}

/** Metric batches and recorded frames leave the thread on this timer, never per frame. */
const FLUSH_INTERVAL_MS = 200;
/**
 * Start-up ends when every pair is online and quoted once; a pair that stays silent longer than
 * this (a thin market) does not keep the whole listener in start-up.
 */
const STARTUP_MAX_WAIT_MS = 60_000;
const RECORD_MAX_FRAMES_PER_FLUSH = 50_000;

const FEED_CODES: Record<string, number> = {
  online: FEED_ONLINE,
  maintenance: FEED_MAINTENANCE,
  cancel_only: FEED_CANCEL_ONLY,
  post_only: FEED_POST_ONLY,
  disconnected: FEED_DISCONNECTED,
};

/** Starts listener `data.index` in the calling thread, on `shared` (this thread's view of it). */
export function hostListener(data: ListenerWorkerData, shared: SharedState, log: Logger): HostedListener {
  return new ListenerHost(data, shared, log);
}

class ListenerHost implements HostedListener {
  readonly listener: Listener;
  readonly pairCount: number;
  private readonly name: string;
  private readonly recorder: MetricsRecorder;
  private readonly row: Float64Array;
  private readonly api: KrakenWsVersion;
  /** In the version's naming: v1 wsnames (XBT/USD), v2 symbols (BTC/USD). */
  private readonly wsnames: string[];
  private readonly feed: KrakenPublicFeed;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly startedMs = Date.now();
  private recordTimes: number[] = [];
  private recordFrames: string[] = [];
  private recordDropped = 0;
  private wasOnline = false;
  private downSinceMs = 0;
  private stopped = false;
  private reconnectAttempts = 0;
  private reconnectSinceMs = 0;
  private warm = false;

  constructor(
    private readonly data: ListenerWorkerData,
    private readonly shared: SharedState,
    private readonly log: Logger,
  ) {
    this.name = `listener-${data.index}`;
    this.recorder = new MetricsRecorder({
      source: data.index,
      evaluationSampleEvery: 16,
      loopSampleEvery: 16,
    });
    this.listener = new Listener(data.index, data.pairs, shared, data.strategy, this.recorder, epochMicros);
    this.row = shared.counters.row(data.index);
    this.api = KRAKEN_WS_VERSIONS[data.wsApi];
    this.wsnames = data.pairs.pairs.map((p) => this.api.pairName(p));
    this.pairCount = this.wsnames.length;
    shared.setFeedStatus(data.index, FEED_CONNECTING);
    this.feed = this.api.publicFeed(
      {
        url: data.wsUrl,
        pairs: this.wsnames,
        name: this.name,
        clockMicros: epochMicros,
        connection: { budget: connectionBudget(data.connectionBudget, log) },
      },
      this.feedEvents(),
    );
    this.flushTimer = setInterval(() => this.flush(), FLUSH_INTERVAL_MS);
    this.feed.start();
  }

  /** Closes the feed and sends the last metric batch; the feed shows as disconnected. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.flushTimer);
    this.feed.close();
    this.flushMetrics();
    this.shared.setFeedStatus(this.data.index, FEED_DISCONNECTED);
  }

  private feedEvents(): PublicFeedHandlers<TickerRejectCode> {
    const { listener, row, log, wsnames } = this;
    return {
      onSpread: (i, out) => listener.onSpread(i, out),
      onFeedStatus: (online, status) => this.onFeedStatus(online, status),
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
        log.debug('malformed frame', { reason: this.api.rejectNames[reason] ?? reason });
      },
      onReconnecting: (delayMs, reason, attempt) => {
        row[CTR_RECONNECTS] = (row[CTR_RECONNECTS] as number) + 1;
        if (this.reconnectAttempts++ === 0) this.reconnectSinceMs = Date.now();
        log.warn('feed reconnecting', { delayMs, reason, attempt });
      },
      onRawFrame: this.data.record ? (frame, recvUs) => this.record(frame, recvUs) : undefined,
    };
  }

  private onFeedStatus(online: boolean, status: string): void {
    const { data, log } = this;
    this.listener.setFeedOnline(online);
    this.shared.setFeedStatus(data.index, FEED_CODES[status] ?? FEED_DISCONNECTED);
    if (online && this.reconnectAttempts > 0) {
      const downtimeMs = Date.now() - this.reconnectSinceMs;
      post({ type: 'reconnect', socket: this.name, attempts: this.reconnectAttempts, downtimeMs });
      this.reconnectAttempts = 0;
    }
    if (online && !this.wasOnline) {
      log.info('feed online', { pairs: this.pairCount });
      if (this.downSinceMs > 0)
        alert(feedRecoveredAlert(data.index, this.name, Date.now() - this.downSinceMs));
      this.downSinceMs = 0;
    } else if (!online && this.wasOnline && !this.stopped) {
      this.downSinceMs = Date.now();
      log.warn('feed offline', { status });
      alert(feedDownAlert(data.index, this.name, status));
    }
    this.wasOnline = online;
  }

  private record(frame: Buffer, recvUs: number): void {
    if (this.recordFrames.length >= RECORD_MAX_FRAMES_PER_FLUSH) {
      this.recordDropped++;
      return;
    }
    this.recordTimes.push(recvUs);
    this.recordFrames.push(frame.toString('utf8'));
  }

  /** Metric batches and recorded frames leave the thread here, on the timer. */
  private flush(): void {
    // Metrics first: main files every sample that arrives before `feed-warm` under start-up.
    this.flushMetrics();
    this.checkWarm();
    if (this.recordFrames.length > 0) {
      post({
        type: 'frames',
        listener: this.data.index,
        recvUs: Float64Array.from(this.recordTimes),
        text: this.recordFrames,
      });
      this.recordTimes = [];
      this.recordFrames = [];
    }
    if (this.recordDropped > 0) {
      this.log.warn('recorder fell behind; frames not recorded', { dropped: this.recordDropped });
      this.recordDropped = 0;
    }
  }

  private flushMetrics(): void {
    const batch = this.recorder.takeBatch();
    if (batch) post({ type: 'metrics', batch });
  }

  /** Tells main once when start-up is over, so the run summary can tell its drops from the steady state's. */
  private checkWarm(): void {
    if (this.warm) return;
    const waiting = this.listener.table.notReadyCount();
    if (waiting > 0 && Date.now() - this.startedMs < STARTUP_MAX_WAIT_MS) return;
    this.warm = true;
    post({ type: 'feed-warm', listener: this.data.index, pairsWaiting: waiting });
  }
}
