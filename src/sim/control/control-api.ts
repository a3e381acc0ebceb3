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
import type { SimFaultsControl } from '../faults.js';
import type { TimingRegistry } from '../timing.js';
import type { VenueImpl } from '../venue/venue.js';
import type { SimCounters } from './counters.js';
import { readBody } from '../rest/body.js';
import { applyFaultRequest, faultRequestError, faultView } from './fault-request.js';

/** Recent history returned per key by /_sim/state. */
const STATE_HISTORY = 100;

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

type DislocateRequest = Parameters<NonNullable<ControlOptions['dislocate']>>[0];
type Route = (o: ControlOptions, req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

/** Counts a bad request and answers it 400 with its reason. */
function badRequest(o: ControlOptions, res: ServerResponse, error: string): void {
  o.counters.inc('control.badRequests');
  json(res, 400, { error });
}

/** One key's balances, fee on pair 0, open orders and recent history. */
function keyState(venue: VenueImpl, k: string): Record<string, unknown> {
  return {
    balances: Object.fromEntries(
      [...venue.balances(k)].map(([id, b]) => [id, { balance: b.balance, hold: b.hold }]),
    ),
    fee: venue.feeFor(k, 0),
    openOrders: venue.openOrders(k),
    closedOrders: venue.closedOrders(k).slice(-STATE_HISTORY),
    trades: venue.trades(k).slice(-STATE_HISTORY),
  };
}

function getState(o: ControlOptions, _req: IncomingMessage, res: ServerResponse, url: URL): void {
  const { venue } = o;
  const k = url.searchParams.get('key');
  const keys = k === null ? o.apiKeys() : [k];
  json(res, 200, {
    systemStatus: venue.systemStatus(),
    accounts: Object.fromEntries(keys.filter((x) => venue.hasKey(x)).map((x) => [x, keyState(venue, x)])),
    ws: o.wsState?.() ?? null,
  });
}

async function postFaults(o: ControlOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  if (!body.ok) return json(res, 400, { error: body.error });
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.raw);
  } catch {
    // The client's mistake: answered, counted.
    return badRequest(o, res, 'body is not JSON');
  }
  const e = faultRequestError(parsed);
  if (e !== undefined) return badRequest(o, res, e);
  applyFaultRequest(o, parsed as Record<string, unknown>);
  o.counters.inc('control.faultRequests');
  return json(res, 200, faultView(o));
}

async function postDislocate(o: ControlOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req);
  let parsed: unknown = {};
  try {
    parsed = body.ok && body.raw.length > 0 ? JSON.parse(body.raw) : {};
  } catch {
    return badRequest(o, res, 'body is not JSON');
  }
  const e = dislocateError(parsed);
  if (e !== undefined) return badRequest(o, res, e);
  const d = o.dislocate?.(parsed as DislocateRequest);
  return json(res, 200, { dislocation: d ?? null });
}

/** `METHOD path` → handler. */
const ROUTES: ReadonlyMap<string, Route> = new Map<string, Route>([
  ['GET /_sim/state', getState],
  [
    'GET /_sim/counters',
    (o, _req, res) =>
      json(res, 200, {
        counters: o.counters.snapshot(),
        venue: o.venue.stats(),
        ws: o.wsCounters?.() ?? null,
      }),
  ],
  ['GET /_sim/timing', (o, _req, res) => json(res, 200, { dislocations: o.timing.toJSON() })],
  ['GET /_sim/faults', (o, _req, res) => json(res, 200, faultView(o))],
  ['POST /_sim/faults', postFaults],
  ['POST /_sim/dislocate', postDislocate],
]);

async function handle(o: ControlOptions, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const path = url.pathname;
  const route = ROUTES.get(`${req.method ?? ''} ${path}`);
  // Dislocating needs a market model that can; without one the path is unknown.
  if (route !== undefined && (route !== postDislocate || o.dislocate !== undefined))
    return route(o, req, res, url);
  o.counters.inc('control.notFound');
  json(res, 404, { error: `no control endpoint ${req.method ?? ''} ${path.slice(0, 80)}` });
}

export function createControlHandler(
  o: ControlOptions,
): (req: IncomingMessage, res: ServerResponse, url: URL) => void {
  return (req, res, url) => {
    handle(o, req, res, url).catch((err: unknown) => {
      o.counters.inc('control.internalErrors');
      process.stderr.write(
        `sim control: internal error: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
    });
  };
}
