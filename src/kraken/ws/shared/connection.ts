/**
 * One reusable WebSocket connection with reconnect, a heartbeat watchdog and idle pings.
 * Moves bytes only: frames go to `onFrame` as the Buffer `ws` gives us (never decoded here).
 *
 * - `ws` with deflate off and UTF-8 validation skipped (docs/node-latency.md §1: deflate costs
 *   ≈200 µs per frame; skipping validation ≈15 % less CPU per frame).
 * - Watchdog without per-frame timers: each frame bumps an integer; a periodic check compares it,
 *   so the hot path pays one increment instead of clearTimeout/setTimeout per frame.
 * - Reconnect timing comes from ReconnectPolicy (backoff, and this socket's share of attempts),
 *   and every attempt is taken from the process-wide `budget` when one is given
 *   (connection-budget.ts: Kraken's limit is per IP, not per socket).
 */
import { WebSocket } from 'ws';
import { ReconnectPolicy, type ReconnectPolicyOptions } from './reconnect-policy.js';
import { realClock, type TimerHandle, type Clock } from '../../../clock/clock.js';
import type { AttemptBudget } from './connection-budget.js';
import { AppError } from '../../../core/app-error.js';

/** A rehearsal socket's write failure: its owner (send-path-warmer.ts) handles it on its own. */
function ignoreSendError(): void {}

export type ConnectionState = 'idle' | 'connecting' | 'open' | 'waiting' | 'closed';

/** Why a session ended (given to onClose and onReconnecting). */
export type DisconnectReason =
  | 'server-closed' // the peer closed or the TCP connection dropped
  | 'connect-failed' // never opened: refused, handshake error or handshake timeout
  | 'watchdog' // no frame for watchdogMs: we terminated it
  | 'requested'; // reconnect() called by the owner (e.g. a fatal protocol state)

export type WsConnectionErrorCode = 'WS_SOCKET_ERROR' | 'WS_SEND_FAILED' | 'WS_CONNECT_THREW';

export class WsConnectionError extends AppError {
  readonly kind = 'io';
  readonly code: WsConnectionErrorCode;
  constructor(code: WsConnectionErrorCode, message: string) {
    super(message);
    this.name = 'WsConnectionError';
    this.code = code;
  }
}

export interface WsConnectionOptions {
  url: string;
  /** Label for errors, e.g. `public-0`. */
  name?: string;
  /** No frame received for this long ⇒ the socket is dead (terminate + reconnect). */
  watchdogMs?: number;
  /** No frame received for this long ⇒ send an application ping (`{"event":"ping","reqid":n}`); 0 = off. */
  pingIdleMs?: number;
  /** Builds the application ping for request id n (default: Kraken v1 `{"event":"ping","reqid":n}`; v2 passes its own). */
  pingMessage?: (reqid: number) => string;
  /** Opening handshake timeout. */
  connectTimeoutMs?: number;
  /**
   * Frames for which this returns false do not feed the watchdog. A feed passes a pong filter: the
   * answer to our own idle ping proves the socket, not the feed, so a stalled feed that still answers
   * pings would otherwise never be killed. Default: every frame counts.
   */
  countsAsProgress?: (data: Buffer) => boolean;
  reconnect?: Partial<ReconnectPolicyOptions>;
  /** The process-wide connection budget; every attempt takes one (or waits for one). */
  budget?: AttemptBudget;
  timers?: Clock;
  random?: () => number;
}

export interface WsConnectionHandlers {
  /** Every frame, as received (text frames too: no UTF-8 decoding). */
  onFrame(data: Buffer): void;
  onOpen?(): void;
  onClose?(code: number, reason: DisconnectReason): void;
  onError?(err: WsConnectionError): void;
  onReconnecting?(delayMs: number, reason: DisconnectReason, attempt: number): void;
}

export interface WsConnectionStats {
  attempts: number;
  connects: number;
  disconnects: number;
  connectFailures: number;
  watchdogKills: number;
  pingsSent: number;
  framesReceived: number;
  errors: number;
  /** Reconnects whose delay was stretched by the attempt budget / by maintenance spacing. */
  budgetWaits: number;
  maintenanceWaits: number;
}

export const DEFAULT_WATCHDOG_MS = 10_000;
export const DEFAULT_PING_IDLE_MS = 3_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
function v1Ping(reqid: number): string {
  return '{"event":"ping","reqid":' + reqid + '}';
}

/** Lower bound of the watchdog check period (keeps a tiny watchdogMs from spinning). */
const MIN_CHECK_PERIOD_MS = 5;

export class WsConnection {
  readonly stats: WsConnectionStats = {
    attempts: 0,
    connects: 0,
    disconnects: 0,
    connectFailures: 0,
    watchdogKills: 0,
    pingsSent: 0,
    framesReceived: 0,
    errors: 0,
    budgetWaits: 0,
    maintenanceWaits: 0,
  };
  readonly policy: ReconnectPolicy;
  private readonly url: string;
  private readonly name: string;
  private readonly watchdogMs: number;
  private readonly pingIdleMs: number;
  private readonly connectTimeoutMs: number;
  private readonly countsAsProgress: ((data: Buffer) => boolean) | undefined;
  private readonly pingMessage: (reqid: number) => string;
  private readonly timers: Clock;
  private readonly budget: AttemptBudget | undefined;
  private readonly handlers: WsConnectionHandlers;
  private ws: WebSocket | null = null;
  private currentState: ConnectionState = 'idle';
  private retryTimer: TimerHandle | null = null;
  private checkTimer: TimerHandle | null = null;
  private readonly checkPeriodMs: number;
  /** Bumped per frame; the watchdog compares it between checks. */
  private frameTick = 0;
  private seenTick = 0;
  private lastProgressAt = 0;
  private lastPingAt = 0;
  private openedAt = 0;
  private pingReqId = 0;
  /** Reason recorded by whoever ends the session (watchdog, reconnect()), read by the close handler. */
  private endReason: DisconnectReason | null = null;

  constructor(options: WsConnectionOptions, handlers: WsConnectionHandlers) {
    // A bad URL is a configuration error: refuse it now rather than fail in a timer later.
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new RangeError('WsConnection: url is not a valid URL');
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
      throw new RangeError('WsConnection: url must be ws:// or wss://');
    }
    this.url = options.url;
    this.name = options.name ?? 'ws';
    this.watchdogMs = options.watchdogMs ?? DEFAULT_WATCHDOG_MS;
    this.pingIdleMs = options.pingIdleMs ?? DEFAULT_PING_IDLE_MS;
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    this.countsAsProgress = options.countsAsProgress;
    this.pingMessage = options.pingMessage ?? v1Ping;
    this.timers = options.timers ?? realClock;
    this.budget = options.budget;
    this.policy = new ReconnectPolicy(options.reconnect, options.random);
    this.handlers = handlers;
    const idle = this.pingIdleMs > 0 ? Math.min(this.pingIdleMs, this.watchdogMs) : this.watchdogMs;
    this.checkPeriodMs = Math.max(MIN_CHECK_PERIOD_MS, Math.floor(idle / 4));
  }

  get state(): ConnectionState {
    return this.currentState;
  }

  isOpen(): boolean {
    return this.currentState === 'open';
  }

  /** Start connecting (respecting the attempt budget). Idempotent while running. */
  start(): void {
    if (this.currentState !== 'idle') return;
    this.scheduleAttempt(this.policy.initialDelay(this.timers.now()), null);
  }

  /**
   * Send a text frame; false when not open (nothing was sent). `socket`: another open socket to
   * write it to instead, for a rehearsed order frame (PrivateSessionBase.addOrder): the trader's
   * real order and its rehearsal then run this same code, which V8 optimises by the rehearsals
   * (bench/README.md, fifth session). A failure there is that socket's owner's to handle.
   */
  send(data: string | Buffer, socket: WebSocket | null = this.ws): boolean {
    if (socket === null || this.currentState !== 'open' || socket.readyState !== WebSocket.OPEN) return false;
    socket.send(data, socket === this.ws ? this.afterSend : ignoreSendError);
    return true;
  }

  private readonly afterSend = (err?: Error): void => {
    if (err) this.reportError('WS_SEND_FAILED', err);
  };

  /** Application-level ping (`pingMessage`, Kraken v1 by default). Returns the reqid, or -1 when not open. */
  sendPing(): number {
    const reqid = ++this.pingReqId;
    if (!this.send(this.pingMessage(reqid))) return -1;
    this.stats.pingsSent++;
    return reqid;
  }

  /** Drop the current socket and reconnect through the backoff policy. */
  reconnect(): void {
    if (this.currentState === 'open' || this.currentState === 'connecting') {
      this.endReason = 'requested';
      this.ws?.terminate();
    }
  }

  /** Venue reported maintenance (true) or online (false): maintenance spaces attempts ≥ 5 s. */
  setMaintenance(on: boolean): void {
    this.policy.maintenance = on;
  }

  /** Stop for good: cancel timers, close the socket; no handler is called after this returns. */
  close(): void {
    if (this.currentState === 'closed') return;
    this.currentState = 'closed';
    this.clearTimer('retry');
    this.clearTimer('check');
    const ws = this.ws;
    this.ws = null;
    if (ws !== null) {
      ws.removeAllListeners();
      // Keep an error listener: a late socket error must not become an uncaught exception.
      ws.on('error', () => {
        this.stats.errors++;
      });
      if (ws.readyState === WebSocket.OPEN) ws.close(1000, 'client closing');
      else ws.terminate();
    }
  }

  private scheduleAttempt(delayMs: number, reason: DisconnectReason | null): void {
    if (this.currentState === 'closed') return;
    this.currentState = 'waiting';
    if (this.policy.lastLimit === 'budget') this.stats.budgetWaits++;
    else if (this.policy.lastLimit === 'maintenance') this.stats.maintenanceWaits++;
    if (reason !== null) this.handlers.onReconnecting?.(delayMs, reason, this.policy.failures);
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      this.attempt();
    }, delayMs);
  }

  private attempt(): void {
    if (this.currentState !== 'waiting') return;
    if (this.waitForBudget()) return;
    this.currentState = 'connecting';
    this.stats.attempts++;
    this.policy.recordAttempt(this.timers.now());
    this.endReason = null;
    const ws = this.openSocket();
    if (ws === null) return;
    this.ws = ws;
    this.watchSocket(ws);
  }

  /**
   * When the whole process is at Kraken's connection limit, comes back when an attempt frees (plus
   * jitter) and returns true; otherwise has taken one attempt from the budget and returns false.
   */
  private waitForBudget(): boolean {
    const budgetWait = this.budget?.tryTake() ?? 0;
    if (!(budgetWait > 0) || this.budget === undefined) return false;
    this.stats.budgetWaits++;
    this.retryTimer = this.timers.setTimeout(
      () => {
        this.retryTimer = null;
        this.attempt();
      },
      this.budget.waitFor(this.name, budgetWait),
    );
    return true;
  }

  /** A new socket, or null when its constructor threw (counted, and retried through the policy). */
  private openSocket(): WebSocket | null {
    try {
      return new WebSocket(this.url, {
        perMessageDeflate: false,
        skipUTF8Validation: true,
        handshakeTimeout: this.connectTimeoutMs,
      });
    } catch (err) {
      // Never let a throw escape a timer callback: count it and retry through the policy.
      this.stats.connectFailures++;
      this.reportError('WS_CONNECT_THREW', err as Error);
      this.currentState = 'waiting';
      this.scheduleAttempt(this.policy.nextDelay(this.timers.now()), 'connect-failed');
      return null;
    }
  }

  /** Events of a socket that is no longer the current one are ignored. */
  private watchSocket(ws: WebSocket): void {
    let opened = false;
    ws.on('open', () => {
      if (this.ws !== ws) return;
      opened = true;
      this.sessionOpened();
    });
    ws.on('message', (data: Buffer) => {
      if (this.ws !== ws) return;
      if (this.countsAsProgress === undefined || this.countsAsProgress(data)) this.frameTick++;
      this.stats.framesReceived++;
      this.handlers.onFrame(data);
    });
    ws.on('error', (err: Error) => {
      if (this.ws !== ws) return;
      this.reportError('WS_SOCKET_ERROR', err);
    });
    ws.on('close', (code: number) => {
      if (this.ws !== ws) return;
      this.sessionEnded(code, opened);
    });
  }

  private sessionOpened(): void {
    this.currentState = 'open';
    this.stats.connects++;
    const now = this.timers.now();
    this.openedAt = now;
    this.lastProgressAt = now;
    this.lastPingAt = now;
    this.seenTick = this.frameTick;
    this.armCheck();
    this.handlers.onOpen?.();
  }

  /** `opened`: the socket had opened (a session ended) rather than failed to connect. */
  private sessionEnded(code: number, opened: boolean): void {
    this.ws = null;
    this.clearTimer('check');
    const now = this.timers.now();
    let reason: DisconnectReason;
    if (this.endReason !== null) reason = this.endReason;
    else reason = opened ? 'server-closed' : 'connect-failed';
    if (opened) this.stats.disconnects++;
    else this.stats.connectFailures++;
    this.policy.onSessionEnd(opened ? now - this.openedAt : 0);
    this.currentState = 'waiting';
    this.handlers.onClose?.(code, reason);
    if (this.currentState !== 'waiting') return; // owner called close() inside onClose
    this.scheduleAttempt(this.policy.nextDelay(this.timers.now()), reason);
  }

  private armCheck(): void {
    this.checkTimer = this.timers.setTimeout(() => {
      this.checkTimer = null;
      this.check();
    }, this.checkPeriodMs);
  }

  /** Periodic: progress bookkeeping, idle ping, watchdog kill. */
  private check(): void {
    if (this.currentState !== 'open') return;
    const now = this.timers.now();
    if (this.frameTick !== this.seenTick) {
      this.seenTick = this.frameTick;
      this.lastProgressAt = now;
    }
    const idleMs = now - this.lastProgressAt;
    if (idleMs >= this.watchdogMs) {
      this.stats.watchdogKills++;
      this.endReason = 'watchdog';
      this.ws?.terminate();
      return;
    }
    if (this.pingIdleMs > 0 && idleMs >= this.pingIdleMs && now - this.lastPingAt >= this.pingIdleMs) {
      this.lastPingAt = now;
      this.sendPing();
    }
    this.armCheck();
  }

  private clearTimer(which: 'retry' | 'check'): void {
    const h = which === 'retry' ? this.retryTimer : this.checkTimer;
    if (h !== null) this.timers.clearTimeout(h);
    if (which === 'retry') this.retryTimer = null;
    else this.checkTimer = null;
  }

  private reportError(code: WsConnectionErrorCode, err: Error): void {
    this.stats.errors++;
    const errCode = (err as { code?: unknown }).code;
    const detail = typeof errCode === 'string' ? errCode + ': ' + err.message : err.message;
    this.handlers.onError?.(new WsConnectionError(code, this.name + ': ' + detail));
  }
}
