/**
 * What the private servers (v1 and v2) add to the skeleton: the token check, venue events fanned
 * out to the connections bound to the event's api key, and order submission with the order faults.
 *
 * Frame order for an order (Kraken's usual order, both versions): the order's leading reports
 * (pending/new), then the ack, then its fills and its close. The venue settles an order in one
 * synchronous call, so its events are captured during the call and written in that order
 * afterwards; with `ackDelayMs` the ack and everything after it on the sending connection wait
 * together, so nothing is reordered or lost.
 */
import type { SimVenue, VenueEvent } from '../../contracts.js';
import type { SimFaultsControl } from '../../faults.js';
import type { TimingRegistry } from '../../timing.js';
import { WsServer, type WsServerOptions, type WsSession } from './ws-server.js';

/** maxratecount when the venue does not expose its trading limits. */
const DEFAULT_MAX_RATE_COUNT = 125;
/** Kraken's answer when the simulator itself fails (a venue bug must not kill the socket). */
const INTERNAL_ERROR = 'EGeneral:Internal error';

/** One private connection as the fan-out sees it. */
export interface PrivateSession<I> extends WsSession {
  apiKey: string | null;
  /** The token a live subscription was made with: it stays valid on this connection (docs/kraken-protocol.md §2.1). */
  pinnedToken: string | null;
  /** faults.sessionEpoch when the token was pinned: the invalidateSessions fault unpins it. */
  pinnedEpoch: number;
  /** The frame this connection gets for `item`, or null when it is not subscribed to it. */
  frameFor(item: I): string | null;
}

/** A venue event formatted for one API version. */
export interface PrivateItem {
  readonly apiKey: string;
  /** A report that precedes the order's ack (pending / new, no fills). */
  readonly beforeAck: boolean;
}

export interface WsPrivateOptions {
  venue: SimVenue;
  faults: SimFaultsControl;
  timing?: TimingRegistry;
  maxBufferedBytes?: number;
}

/** A version's wire pieces for its private server. */
export interface PrivateWire extends Omit<WsServerOptions, 'systemStatus' | 'maxBufferedBytes'> {
  /** Kraken's strings for a missing and an unknown token (the same in v1 and v2). */
  tokenErrors: { tokenMissing: string; tokenInvalid: string };
  /** Names this server in the log. */
  logName: string;
}

export type Auth = { apiKey: string } | { error: string };

export abstract class WsPrivateServer<
  S extends PrivateSession<I>,
  I extends PrivateItem,
> extends WsServer<S> {
  ordersReceived = 0;
  /** Order error acks sent (token, shape, fault or venue rejections). */
  ordersRejected = 0;
  private readonly byKey = new Map<string, Set<S>>();
  private capturing: { apiKey: string; items: I[] } | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly offEvent: () => void;

  constructor(
    readonly o: WsPrivateOptions,
    private readonly wire: PrivateWire,
  ) {
    super({ ...wire, maxBufferedBytes: o.maxBufferedBytes, systemStatus: () => o.venue.systemStatus() });
    this.offEvent = o.venue.onEvent((ev) => this.onVenueEvent(ev));
  }

  /** Formats a venue event now (the venue may reuse its objects after the call). */
  protected abstract prepare(ev: VenueEvent): readonly I[];
  /** Items a version holds back across events (v2: a trade waiting for its order delta). */
  protected pendingItems?(): readonly I[];

  get subscriptions(): number {
    let n = 0;
    for (const s of this.sessions) n += s.conn.subCount;
    return n;
  }

  /** The tier's trading-rate threshold, which Kraken reports in private subscription acks. */
  protected maxRateCount(): number {
    const limits = (this.o.venue as Partial<{ tradingLimits: { threshold: number } }>).tradingLimits;
    return limits?.threshold ?? DEFAULT_MAX_RATE_COUNT;
  }

  /** Token → api key; the token of this connection's live subscription stays valid on it. */
  auth(s: S, token: unknown): Auth {
    if (typeof token !== 'string' || token === '') return { error: this.wire.tokenErrors.tokenMissing };
    const pinned = s.pinnedToken === token && s.pinnedEpoch === this.o.faults.sessionEpoch;
    if (pinned && s.apiKey !== null && s.conn.subCount > 0) return { apiKey: s.apiKey };
    const apiKey = this.o.venue.apiKeyForToken(token);
    return apiKey === undefined ? { error: this.wire.tokenErrors.tokenInvalid } : { apiKey };
  }

  /** `auth` for a (un)subscribe: a live subscription pins the connection to its account. */
  protected authSubscription(s: S, token: unknown): Auth {
    const a = this.auth(s, token);
    if ('error' in a) return a;
    if (s.apiKey !== null && s.apiKey !== a.apiKey && s.conn.subCount > 0)
      return { error: this.wire.tokenErrors.tokenInvalid };
    return a;
  }

  /** From now on `s` hears `apiKey`'s events, and `token` stays valid on it. */
  protected bind(s: S, apiKey: string, token: string): void {
    if (s.apiKey !== apiKey) {
      this.unbind(s);
      s.apiKey = apiKey;
      let set = this.byKey.get(apiKey);
      if (set === undefined) this.byKey.set(apiKey, (set = new Set()));
      set.add(s);
    }
    s.pinnedToken = token;
    s.pinnedEpoch = this.o.faults.sessionEpoch;
  }

  protected override onSessionClosed(s: S): void {
    this.unbind(s);
  }

  /**
   * Runs an order now or after `delayNextOrderMs`: a forced rejection answers without the venue;
   * otherwise `place` calls the venue with `apiKey`'s events captured and returns the ack.
   */
  submitOrder(s: S, apiKey: string, rejectAck: (error: string) => string, place: () => string): void {
    const run = (): void => {
      const forced = this.o.faults.takeRejectNextOrder();
      if (forced !== null) return this.sendAck(s, rejectAck(forced));
      let ack: string;
      let items: readonly I[] = [];
      try {
        ({ result: ack, items } = this.capture(apiKey, place));
      } catch (err) {
        console.error(`${this.wire.logName}: venue.addOrder threw`, err instanceof Error ? err.message : err);
        ack = rejectAck(INTERNAL_ERROR);
      }
      let i = 0;
      while (i < items.length && (items[i] as I).beforeAck) this.deliver(items[i++] as I);
      this.sendAck(s, ack);
      for (; i < items.length; i++) this.deliver(items[i] as I);
    };
    const delayMs = this.o.faults.takeDelayNextOrderMs();
    if (delayMs > 0) this.later(delayMs, run);
    else run();
  }

  /** Writes an order ack, held for `faults.ackDelayMs` together with what follows it. */
  sendAck(s: S, frame: string): void {
    const delayMs = this.o.faults.ackDelayMs;
    if (!(delayMs > 0)) {
      this.out.send(s.conn, frame);
      return;
    }
    this.later(delayMs, this.out.hold(s.conn, frame));
  }

  override async close(): Promise<void> {
    this.offEvent();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.byKey.clear();
    await super.close();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private unbind(s: S): void {
    if (s.apiKey === null) return;
    const set = this.byKey.get(s.apiKey);
    set?.delete(s);
    if (set?.size === 0) this.byKey.delete(s.apiKey);
  }

  /** Runs `place` while capturing `apiKey`'s events; returns its result and the captured items in order. */
  private capture<R>(apiKey: string, place: () => R): { result: R; items: I[] } {
    const c = { apiKey, items: [] as I[] };
    this.capturing = c;
    let result: R;
    try {
      result = place();
    } finally {
      this.capturing = null;
    }
    if (this.pendingItems !== undefined) c.items.push(...this.pendingItems());
    return { result, items: c.items };
  }

  /** Writes one item to every bound connection that wants it. */
  private deliver(item: I): void {
    const set = this.byKey.get(item.apiKey);
    if (set === undefined) return;
    for (const s of set) {
      const frame = s.frameFor(item);
      if (frame !== null) this.out.send(s.conn, frame);
    }
  }

  private onVenueEvent(ev: VenueEvent): void {
    const capturing = this.capturing !== null && this.capturing.apiKey === ev.apiKey;
    if (!capturing && !this.byKey.has(ev.apiKey)) return;
    const items = this.prepare(ev);
    if (capturing) {
      this.capturing?.items.push(...items);
      return;
    }
    for (const item of items) this.deliver(item);
    const pending = this.pendingItems;
    if (pending === undefined) return;
    // Outside a capture the venue emits a whole order's events in one synchronous burst: a trade's
    // order delta always follows it, so nothing is left pending once the burst is over.
    queueMicrotask(() => {
      for (const item of pending.call(this)) this.deliver(item);
    });
  }
}
