/**
 * The simulator's control API under `/_sim/` (same HTTP server as REST):
 *   GET  /_sim/state[?key=K]  balances, open orders, recent closed orders and fills per key, system
 *                             status, WS connections/subscriptions (when the WS servers report them)
 *   GET  /_sim/counters       request/error counters and venue totals
 *   GET  /_sim/faults         current fault switches
 *   POST /_sim/faults         JSON, any subset of:
 *        { dropConnections: "public"|"private"|"all", stallFeedMs: n, garbageFrames: n,
 *          systemStatus: "online"|"maintenance"|"cancel_only"|"post_only",
 *          rejectNextOrder: "EOrder:..."|null, delayNextOrderMs: n, ackDelayMs: n,
 *          expireTokens: true, invalidateSessions: true, rateLimited: bool, restDelayMs: n,
 *          throttleRestMs: n, reset: true }
 *                             (expireTokens: unused tokens die; invalidateSessions: tokens live
 *                             subscriptions hold die too, as Kraken sometimes does)
 *   GET  /_sim/timing         dislocation timings (ns as decimal strings)
 *   POST /_sim/dislocate      JSON { coin?, direction?: "usd-to-eur"|"eur-to-usd", leg?: "buy"|"sell" }:
 *                             opens a dislocation now; answers it, or null when the coin is busy
 * Unlike Kraken's API this one uses HTTP status codes: 400 for a bad request, 404 for an unknown path.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SystemStatus } from '../contracts.js';
import type { DropTarget, SimFaultsControl } from '../faults.js';
import type { TimingRegistry } from '../timing.js';
import type { VenueImpl } from '../venue/venue.js';
import type { SimCounters } from './counters.js';
import { readBody } from '../rest/body.js';

/** Recent history returned per key by /_sim/state. */
const STATE_HISTORY = 100;
/** Faults that take a duration are capped so a typo cannot wedge a run for hours. */
const MAX_FAULT_MS = 600_000;
const STATUSES = new Set<SystemStatus>(['online', 'maintenance', 'cancel_only', 'post_only']);
const DROP_TARGETS = new Set<DropTarget>(['public', 'private', 'all']);

export interface ControlOptions {
  venue: VenueImpl;
  faults: SimFaultsControl;
  counters: SimCounters;
  timing: TimingRegistry;
  /** Keys whose state is reported (the venue does not enumerate keys). */
  apiKeys: () => readonly string[];
  /** Monotonic ms clock that `faults.stallUntilMs` uses (the WS servers' clock). */
  monotonicMs: () => number;
  /** WS servers' connections and subscriptions, when available. */
  wsState?: () => unknown;
  /** Opens a dislocation now (market model's `dislocate`), when available. */
  dislocate?: (req: {
    coin?: number;
    direction?: 'usd-to-eur' | 'eur-to-usd';
    leg?: 'buy' | 'sell';
  }) => unknown;
  /** WS servers' counters, when available. */
  wsCounters?: () => unknown;
}

function json(res: ServerResponse, status: number, value: unknown): void {
  // Market objects carry bigint ns stamps: sent as decimal strings.
  const body = JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const isMs = (x: unknown): x is number =>
  typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= MAX_FAULT_MS;

function dislocateError(b: unknown): string | undefined {
  if (typeof b !== 'object' || b === null || Array.isArray(b)) return 'body must be a JSON object';
  const r = b as Record<string, unknown>;
  for (const k of Object.keys(r))
    if (k !== 'coin' && k !== 'direction' && k !== 'leg') return `unknown field: ${k.slice(0, 40)}`;
  if (
    r['coin'] !== undefined &&
    !(typeof r['coin'] === 'number' && Number.isInteger(r['coin']) && r['coin'] >= 0)
  )
    return 'coin must be a non-negative integer';
  if (r['direction'] !== undefined && r['direction'] !== 'usd-to-eur' && r['direction'] !== 'eur-to-usd')
    return 'direction must be usd-to-eur or eur-to-usd';
  if (r['leg'] !== undefined && r['leg'] !== 'buy' && r['leg'] !== 'sell') return 'leg must be buy or sell';
  return undefined;
}

export function createControlHandler(
  o: ControlOptions,
): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  const { venue, faults, counters } = o;

  const faultView = () => ({
    systemStatus: venue.systemStatus(),
    stallRemainingMs: Math.max(0, Math.round(faults.stallUntilMs - o.monotonicMs())),
    garbageFrames: faults.garbageFrames,
    rejectNextOrder: faults.rejectNextOrder,
    delayNextOrderMs: faults.delayNextOrderMs,
    ackDelayMs: faults.ackDelayMs,
    rateLimited: faults.rateLimited,
    restDelayMs: faults.restDelayMs,
  });

  const keyState = (k: string) => ({
    balances: Object.fromEntries(
      [...venue.balances(k)].map(([id, b]) => [id, { balance: b.balance, hold: b.hold }]),
    ),
    fee: venue.feeFor(k, 0),
    openOrders: venue.openOrders(k),
    closedOrders: venue.closedOrders(k).slice(-STATE_HISTORY),
    trades: venue.trades(k).slice(-STATE_HISTORY),
  });

  /** Validates everything first, then applies: a bad request changes nothing. */
  function applyFaults(body: unknown): string | undefined {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
    const b = body as Record<string, unknown>;
    const known = new Set([
      'dropConnections',
      'stallFeedMs',
      'garbageFrames',
      'systemStatus',
      'rejectNextOrder',
      'delayNextOrderMs',
      'ackDelayMs',
      'expireTokens',
      'invalidateSessions',
      'rateLimited',
      'restDelayMs',
      'throttleRestMs',
      'reset',
    ]);
    for (const k of Object.keys(b)) if (!known.has(k)) return `unknown fault: ${k.slice(0, 40)}`;
    if (b['dropConnections'] !== undefined && !DROP_TARGETS.has(b['dropConnections'] as DropTarget))
      return 'dropConnections must be public, private or all';
    for (const k of ['stallFeedMs', 'delayNextOrderMs', 'ackDelayMs', 'restDelayMs', 'throttleRestMs'])
      if (b[k] !== undefined && !isMs(b[k])) return `${k} must be a number of ms in [0, ${MAX_FAULT_MS}]`;
    const g = b['garbageFrames'];
    if (g !== undefined && !(typeof g === 'number' && Number.isInteger(g) && g >= 0 && g <= 1000))
      return 'garbageFrames must be an integer in [0, 1000]';
    if (b['systemStatus'] !== undefined && !STATUSES.has(b['systemStatus'] as SystemStatus))
      return 'systemStatus must be online, maintenance, cancel_only or post_only';
    const r = b['rejectNextOrder'];
    if (r !== undefined && r !== null && !(typeof r === 'string' && /^[EW][A-Za-z]+:.{1,200}$/.test(r)))
      return 'rejectNextOrder must be a Kraken error string like EOrder:Insufficient funds, or null';
    for (const k of ['expireTokens', 'invalidateSessions', 'rateLimited', 'reset'])
      if (b[k] !== undefined && typeof b[k] !== 'boolean') return `${k} must be a boolean`;

    if (b['reset'] === true) {
      faults.reset();
      venue.setSystemStatus('online');
    }
    if (isMs(b['stallFeedMs'])) faults.stallUntilMs = o.monotonicMs() + b['stallFeedMs'];
    if (typeof g === 'number') faults.garbageFrames = g;
    if (r !== undefined) faults.rejectNextOrder = r as string | null;
    if (isMs(b['delayNextOrderMs'])) faults.delayNextOrderMs = b['delayNextOrderMs'];
    if (isMs(b['ackDelayMs'])) faults.ackDelayMs = b['ackDelayMs'];
    if (isMs(b['restDelayMs'])) faults.restDelayMs = b['restDelayMs'];
    if (isMs(b['throttleRestMs'])) faults.throttledUntilMs = Date.now() + b['throttleRestMs'];
    if (typeof b['rateLimited'] === 'boolean') faults.rateLimited = b['rateLimited'];
    if (b['expireTokens'] === true) venue.expireTokens();
    if (b['invalidateSessions'] === true) {
      venue.expireTokens();
      faults.sessionEpoch++;
    }
    if (b['systemStatus'] !== undefined) venue.setSystemStatus(b['systemStatus'] as SystemStatus);
    if (b['dropConnections'] !== undefined) faults.dropConnections(b['dropConnections'] as DropTarget);
    counters.inc('control.faultRequests');
    return undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const path = url.pathname;
    if (req.method === 'GET' && path === '/_sim/state') {
      const k = url.searchParams.get('key');
      const keys = k === null ? o.apiKeys() : [k];
      json(res, 200, {
        systemStatus: venue.systemStatus(),
        accounts: Object.fromEntries(keys.filter((x) => venue.hasKey(x)).map((x) => [x, keyState(x)])),
        ws: o.wsState?.() ?? null,
      });
      return;
    }
    if (req.method === 'GET' && path === '/_sim/counters') {
      json(res, 200, { counters: counters.snapshot(), venue: venue.stats(), ws: o.wsCounters?.() ?? null });
      return;
    }
    if (req.method === 'GET' && path === '/_sim/timing') {
      json(res, 200, { dislocations: o.timing.toJSON() });
      return;
    }
    if (path === '/_sim/faults' && req.method === 'GET') {
      json(res, 200, faultView());
      return;
    }
    if (path === '/_sim/faults' && req.method === 'POST') {
      const body = await readBody(req);
      if (!body.ok) return json(res, 400, { error: body.error });
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.raw);
      } catch {
        // The client's mistake: answered, counted.
        counters.inc('control.badRequests');
        return json(res, 400, { error: 'body is not JSON' });
      }
      const e = applyFaults(parsed);
      if (e !== undefined) {
        counters.inc('control.badRequests');
        return json(res, 400, { error: e });
      }
      return json(res, 200, faultView());
    }
    if (path === '/_sim/dislocate' && req.method === 'POST' && o.dislocate !== undefined) {
      const body = await readBody(req);
      let parsed: unknown = {};
      try {
        parsed = body.ok && body.raw.length > 0 ? JSON.parse(body.raw) : {};
      } catch {
        counters.inc('control.badRequests');
        return json(res, 400, { error: 'body is not JSON' });
      }
      const e = dislocateError(parsed);
      if (e !== undefined) {
        counters.inc('control.badRequests');
        return json(res, 400, { error: e });
      }
      const d = o.dislocate(parsed as Parameters<NonNullable<ControlOptions['dislocate']>>[0]);
      return json(res, 200, { dislocation: d ?? null });
    }
    counters.inc('control.notFound');
    json(res, 404, { error: `no control endpoint ${req.method ?? ''} ${path.slice(0, 80)}` });
  }

  return (req, res, url) => {
    handle(req, res, url).catch((err: unknown) => {
      counters.inc('control.internalErrors');
      process.stderr.write(
        `sim control: internal error: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
    });
  };
}
