/**
 * Kraken's REST API on node:http (docs/kraken-protocol.md §4): `/0/public/<Method>` (GET or POST) and
 * `/0/private/<Method>` (POST, signed). Envelope `{error:[...], result}`, HTTP 200 for API errors.
 * Faults applied here: slow REST (every answer), rate-limited (private), delay-next-order and
 * ack-delay (AddOrder). Every answer is counted; no input can crash the handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimFaultsControl } from '../faults.js';
import type { TimingRegistry } from '../timing.js';
import type { SimCounters } from '../control/counters.js';
import { DecayingCounter, REST_COUNTER_LIMITS, type Tier } from '../venue/rate-counter.js';
import type { VenueImpl } from '../venue/venue.js';
import { authenticate, NonceTracker } from './auth.js';
import { parseParams, readBody, type Params } from './body.js';
import { privateMethod, PRIVATE_METHODS, restCounterCost } from './private-endpoints.js';
import { publicMethod, PUBLIC_METHODS, type Answer } from './public-endpoints.js';

export interface RestHandlerOptions {
  venue: VenueImpl;
  faults: SimFaultsControl;
  counters: SimCounters;
  /** API key → decoded secret bytes. */
  secrets: ReadonlyMap<string, Buffer>;
  /**
   * API key → private methods the key lacks the permission for: answered `EGeneral:Permission
   * denied`, as Kraken answers a key created without that permission.
   */
  denied?: ReadonlyMap<string, ReadonlySet<string>>;
  timing?: TimingRegistry;
  /** REST call counter tier (docs/kraken-protocol.md §5.1); default `pro` so a client polling Balance every 2 s stays within it. */
  restTier?: Tier;
  /** Epoch ms for Time/SystemStatus and the call counter. */
  nowMs?: () => number;
}

export interface RestHandler {
  /** Handles a request whose path starts with `/0/`. */
  handle(req: IncomingMessage, res: ServerResponse, url: URL): void;
  /** Cancels pending fault delays (their responses are dropped with the connections). */
  close(): void;
}

const PUBLIC_PREFIX = '/0/public/';
const PRIVATE_PREFIX = '/0/private/';

export function createRestHandler(o: RestHandlerOptions): RestHandler {
  return new SimRestHandler(o);
}

class SimRestHandler implements RestHandler {
  private readonly nowMs: () => number;
  private readonly limits: { max: number; decayPerSec: number };
  private readonly nonces = new NonceTracker();
  private readonly callCounters = new Map<string, DecayingCounter>();
  /** Pending fault delays, cancelled by close(). */
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly o: RestHandlerOptions) {
    this.nowMs = o.nowMs ?? (() => Date.now());
    this.limits = REST_COUNTER_LIMITS[o.restTier ?? 'pro'];
  }

  handle(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const arrivedNs = process.hrtime.bigint();
    const { counters, faults } = this.o;
    counters.inc('rest.requests');
    this.answer(req, url, arrivedNs)
      .then(async (a) => {
        await this.delay(faults.restDelayMs);
        this.send(res, a);
      })
      .catch((err: unknown) => {
        counters.inc('rest.internalErrors');
        process.stderr.write(
          `sim rest: internal error on ${url.pathname}: ${err instanceof Error ? err.message : String(err)}\n`,
        );
        this.send(res, { error: 'EGeneral:Internal error' });
      });
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private delay(ms: number): Promise<void> {
    return ms <= 0
      ? Promise.resolve()
      : new Promise((resolve) => {
          const t = setTimeout(() => {
            this.timers.delete(t);
            resolve();
          }, ms);
          this.timers.add(t);
        });
  }

  private send(res: ServerResponse, a: Answer): void {
    if ('error' in a) this.o.counters.inc(`rest.error.${a.error}`);
    const body = JSON.stringify('error' in a ? { error: [a.error] } : { error: [], result: a.result });
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  private callCounter(apiKey: string): DecayingCounter {
    let c = this.callCounters.get(apiKey);
    if (c === undefined) {
      c = new DecayingCounter(this.limits.max, this.limits.decayPerSec);
      this.callCounters.set(apiKey, c);
    }
    return c;
  }

  /** Body and params first (their errors win), then the method: public answered here, private after its checks. */
  private async answer(req: IncomingMessage, url: URL, arrivedNs: bigint): Promise<Answer> {
    const { counters, venue } = this.o;
    const path = url.pathname;
    const isPublic = path.startsWith(PUBLIC_PREFIX);
    const isPrivate = path.startsWith(PRIVATE_PREFIX);
    const method = isPublic
      ? path.slice(PUBLIC_PREFIX.length)
      : isPrivate
        ? path.slice(PRIVATE_PREFIX.length)
        : '';
    const body = await readBody(req);
    if (!body.ok) return { error: body.error };
    const parsed = parseParams(
      body.raw,
      req.headers['content-type'],
      isPublic ? url.searchParams : new URLSearchParams(),
    );
    if (!parsed.ok) return { error: parsed.error };
    if (!isPublic && !isPrivate) return { error: 'EGeneral:Unknown method' };
    // Counter names only for known methods: garbage paths must not grow the counter map.
    const known = isPublic ? PUBLIC_METHODS.has(method) : PRIVATE_METHODS.has(method);
    counters.inc(known ? `rest.${isPublic ? 'public' : 'private'}.${method}` : 'rest.unknownMethod');
    if (!isPublic) return this.privateAnswer(req, path, method, parsed, arrivedNs);
    if (req.method !== 'GET' && req.method !== 'POST') return { error: 'EGeneral:Invalid arguments:method' };
    const ctx = { market: venue.market, systemStatus: () => venue.systemStatus(), nowMs: this.nowMs };
    return publicMethod(ctx, method, parsed.params);
  }

  /** POST, a known method, signature and nonce, permission, the rate-limit faults, the call counter. */
  private privateAnswer(
    req: IncomingMessage,
    path: string,
    method: string,
    parsed: { raw: string; params: Params },
    arrivedNs: bigint,
  ): Answer | Promise<Answer> {
    const { o } = this;
    const { counters, faults, venue } = o;
    if (req.method !== 'POST') return { error: 'EGeneral:Invalid arguments:private methods need POST' };
    if (!PRIVATE_METHODS.has(method)) return { error: 'EGeneral:Unknown method' };
    const auth = authenticate(req.headers, path, parsed.raw, parsed.params, o.secrets, this.nonces);
    if (!auth.ok) return { error: auth.error };
    if (o.denied?.get(auth.apiKey)?.has(method) === true) return { error: 'EGeneral:Permission denied' };
    if (faults.rateLimited) return { error: 'EAPI:Rate limit exceeded' };
    const now = this.nowMs();
    if (faults.throttledUntilMs > now) {
      counters.inc('rest.throttled');
      return { error: `EService: Throttled: ${Math.ceil(faults.throttledUntilMs / 1000)}` };
    }
    const cost = restCounterCost(method);
    if (cost > 0 && !this.callCounter(auth.apiKey).tryAdd(cost, this.nowMs()))
      return { error: 'EAPI:Rate limit exceeded' };
    if (method === 'AddOrder') return this.addOrder(auth.apiKey, parsed.params, arrivedNs);
    return privateMethod(venue, auth.apiKey, method, parsed.params);
  }

  private async addOrder(apiKey: string, params: Params, arrivedNs: bigint): Promise<Answer> {
    const { faults, venue, timing } = this.o;
    // Stamp arrival before any fault delay: the benchmark measures when the order reached us.
    const pairIndex = params['pair'] === undefined ? -1 : venue.market.pairIndex(params['pair']);
    const type = params['type'];
    if (timing !== undefined && pairIndex >= 0 && (type === 'buy' || type === 'sell')) {
      const limit = params['ordertype'] === 'limit' ? Number(params['price']) : type === 'buy' ? Infinity : 0;
      timing.orderArrived(pairIndex, type, limit, arrivedNs);
    }
    await this.delay(faults.takeDelayNextOrderMs());
    const a = privateMethod(venue, apiKey, 'AddOrder', params);
    await this.delay(faults.ackDelayMs);
    return a;
  }
}
