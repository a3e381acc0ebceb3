/**
 * POST /_sim/faults (control-api.ts): the request validated as a whole first, then applied — a bad
 * request changes nothing — and the fault switches as GET /_sim/faults reports them.
 */
import type { SystemStatus } from '../contracts.js';
import type { DropTarget, SimFaultsControl } from '../faults.js';
import type { VenueImpl } from '../venue/venue.js';

/** Faults that take a duration are capped so a typo cannot wedge a run for hours. */
const MAX_FAULT_MS = 600_000;
const STATUSES = new Set<SystemStatus>(['online', 'maintenance', 'cancel_only', 'post_only']);
const DROP_TARGETS = new Set<DropTarget>(['public', 'private', 'all']);
const KNOWN_FAULTS = new Set([
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

const isMs = (x: unknown): x is number =>
  typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= MAX_FAULT_MS;

export interface FaultTargets {
  venue: VenueImpl;
  faults: SimFaultsControl;
  /** Monotonic ms clock that `faults.stallUntilMs` uses (the WS servers' clock). */
  monotonicMs: () => number;
}

/** What is wrong with a fault request, or undefined when every field is valid. */
export function faultRequestError(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'body must be a JSON object';
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!KNOWN_FAULTS.has(k)) return `unknown fault: ${k.slice(0, 40)}`;
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
  return undefined;
}

/** Applies a request that passed faultRequestError: reset first, connection drops last. */
export function applyFaultRequest(t: FaultTargets, b: Record<string, unknown>): void {
  const { venue, faults } = t;
  if (b['reset'] === true) {
    faults.reset();
    venue.setSystemStatus('online');
  }
  if (isMs(b['stallFeedMs'])) faults.stallUntilMs = t.monotonicMs() + b['stallFeedMs'];
  const g = b['garbageFrames'];
  if (typeof g === 'number') faults.garbageFrames = g;
  const r = b['rejectNextOrder'];
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
}

/** The fault switches as GET /_sim/faults reports them. */
export function faultView(t: FaultTargets): Record<string, unknown> {
  const { venue, faults } = t;
  return {
    systemStatus: venue.systemStatus(),
    stallRemainingMs: Math.max(0, Math.round(faults.stallUntilMs - t.monotonicMs())),
    garbageFrames: faults.garbageFrames,
    rejectNextOrder: faults.rejectNextOrder,
    delayNextOrderMs: faults.delayNextOrderMs,
    ackDelayMs: faults.ackDelayMs,
    rateLimited: faults.rateLimited,
    restDelayMs: faults.restDelayMs,
  };
}
