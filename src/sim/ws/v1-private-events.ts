/**
 * Routes venue events to the private v1 connections bound to the event's api key. While an order
 * of that key is being placed, its events are captured instead (the venue emits them synchronously
 * inside addOrder) so the server can write them around the `addOrderStatus` in Kraken's order.
 */
import type { SimVenue, VenueEvent } from '../contracts.js';
import type { WsOutput } from './ws-output.js';
import { prepareEvent, type PreparedEvent, type V1PrivateSession } from './v1-private-session.js';

export class V1PrivateEvents {
  private readonly byKey = new Map<string, Set<V1PrivateSession>>();
  private capturing: { apiKey: string; events: PreparedEvent[] } | null = null;
  private readonly off: () => void;

  constructor(
    private readonly venue: SimVenue,
    private readonly out: WsOutput,
  ) {
    this.off = venue.onEvent((ev) => this.onEvent(ev));
  }

  bind(s: V1PrivateSession, apiKey: string): void {
    let set = this.byKey.get(apiKey);
    if (set === undefined) this.byKey.set(apiKey, (set = new Set()));
    set.add(s);
  }

  unbind(s: V1PrivateSession): void {
    if (s.apiKey === null) return;
    const set = this.byKey.get(s.apiKey);
    set?.delete(s);
    if (set?.size === 0) this.byKey.delete(s.apiKey);
  }

  /** Runs `place` while capturing `apiKey`'s events; returns its result and the captured events in order. */
  capture<R>(apiKey: string, place: () => R): { result: R; events: PreparedEvent[] } {
    const c = { apiKey, events: [] as PreparedEvent[] };
    this.capturing = c;
    try {
      return { result: place(), events: c.events };
    } finally {
      this.capturing = null;
    }
  }

  /** Writes one prepared event to every bound connection subscribed to its channel. */
  deliver(p: PreparedEvent): void {
    const set = this.byKey.get(p.apiKey);
    if (set === undefined) return;
    for (const s of set) {
      const frame = s.frameFor(p);
      if (frame !== null) this.out.send(s.conn, frame);
    }
  }

  close(): void {
    this.off();
    this.byKey.clear();
  }

  private onEvent(ev: VenueEvent): void {
    const capturing = this.capturing !== null && this.capturing.apiKey === ev.apiKey;
    if (!capturing && !this.byKey.has(ev.apiKey)) return;
    // Formatted now: the venue may reuse or mutate its objects after the call.
    const p = prepareEvent(ev, this.venue.market.pairs);
    if (capturing) this.capturing?.events.push(p);
    else this.deliver(p);
  }
}
