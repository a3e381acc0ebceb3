/**
 * Kraken REST transport over Node's fetch (docs/kraken-protocol.md §4, §5.1); typed methods are in rest.ts. Public calls are GETs, private
 * calls signed form-encoded POSTs. Retries only retryable errors, with capped jittered backoff and
 * bounded attempts. Order-changing calls are NEVER retried: a lost AddOrder answer becomes
 * OrderOutcomeUnknownError and the caller reconciles, since a blind retry could trade twice.
 */
import { ORDER_CHANGING_METHODS } from './order-methods.js';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import {
  KrakenCredentialsError,
  KrakenError,
  KrakenResponseError,
  KrakenTransportError,
  retryClass,
  isKrakenWarning,
  parseKrakenError,
  type RetryClass,
} from './errors.js';
import { KRAKEN_REST_URL } from './endpoints.js';
import { OrderOutcomeUnknownError } from './order-errors.js';
import { NonceGenerator } from './nonce.js';
import { PrivateCallGate, type CallPriority } from './private-call-gate.js';
import { KRAKEN_REST_TIERS, RestRateLimiter, restCallCost, type KrakenTier } from './rate-limiter.js';
import { realClock, type Clock } from '../clock/clock.js';
import { decodeApiSecret, signRequest } from './sign.js';

export type RestParams = Readonly<Record<string, string | number | boolean | undefined>>;

export interface KrakenRestClientOptions {
  /** REST base (KRAKEN_REST_URL), without `/0`. Default https://api.kraken.com. */
  readonly baseUrl?: string;
  readonly apiKey?: string;
  /** Base64 secret as Kraken shows it; decoded and checked once, here. */
  readonly apiSecret?: string;
  /** Share one generator (same SharedArrayBuffer) among every thread that uses this key. */
  readonly nonce?: NonceGenerator;
  /**
   * One private call in flight per key: share one gate buffer (createPrivateCallGateBuffer) like the
   * nonce's. Each hold lasts at most one attempt's timeout and a second, so a call still in flight
   * is never overtaken — but a routine client's call, by another client's, after 3 s.
   */
  readonly callGateBuffer?: SharedArrayBuffer;
  /**
   * Routine polling (the fetcher): its private calls yield the gate to other clients' and may be
   * overtaken after ROUTINE_GRACE_MS (private-call-gate.ts).
   */
  readonly routine?: boolean;
  /** This client's call took the gate over from a routine call unanswered for `heldForMs`; log it. */
  readonly onCallGateTakeover?: (method: string, heldForMs: number) => void;
  /** REST counter tier for the client-side limiter; default 'starter' (the most conservative). */
  readonly tier?: KrakenTier;
  /** Shared limiter state (createRateLimiterBuffer) so every thread using this key counts together. */
  readonly rateLimiterBuffer?: SharedArrayBuffer;
  /** Units of the shared counter this client leaves free for others (routine polling); default 0. */
  readonly rateLimiterReserve?: number;
  /** Overrides the limiter built from `tier`; null disables client-side limiting. */
  readonly rateLimiter?: RestRateLimiter | null;
  /** Per-attempt timeout covering connect, headers and body. */
  readonly timeoutMs?: number;
  /** Attempts for retryable errors, first included; order-changing calls always get exactly one. */
  readonly maxAttempts?: number;
  readonly backoff?: BackoffPolicy;
  /** Time and sleeping for the limiter and backoff (tests inject a fake). */
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly userAgent?: string;
  readonly fetch?: typeof fetch;
  /** `W...` strings in the envelope (not errors); count them. */
  readonly onWarning?: (method: string, warning: string) => void;
  /** Called before each retry; count them. */
  readonly onRetry?: (method: string, attempt: number, error: Error, delayMs: number) => void;
}

export const DEFAULT_REST_TIMEOUT_MS = 10_000;
export const DEFAULT_REST_MAX_ATTEMPTS = 3;
/** A private call holds the gate for its attempt's timeout and this much more (see callGateBuffer). */
const GATE_HOLD_MARGIN_MS = 1_000;
/**
 * A routine client's call keeps the gate from a reconnect's token or a reconciliation at most this
 * long (private-call-gate.ts): a balance poll slower than that is stale when it answers anyway (it
 * runs every 2 s).
 */
const ROUTINE_GRACE_MS = 3_000;
const DEFAULT_USER_AGENT = 'kraken-arb/0.1';
const MAX_BODY_SNIPPET_CHARS = 80;

/** Kraken answers that do not say whether an order call took effect. */
const OUTCOME_UNKNOWN_CODES: ReadonlySet<string> = new Set([
  'EGeneral:Internal error',
  'EDatabase:Internal error',
]);
const RETRY_SEVERITY: Readonly<Record<RetryClass, number>> = { retryable: 0, 'not-retryable': 1, fatal: 2 };

interface Attempt {
  readonly url: string;
  readonly init: RequestInit;
}

export class KrakenRestTransport {
  readonly baseUrl: string;
  readonly nonce: NonceGenerator;
  private readonly callGate: PrivateCallGate;
  private readonly priority: CallPriority;
  private readonly onGateTakeover: ((method: string, heldForMs: number) => void) | undefined;
  readonly limiter: RestRateLimiter | null;
  private readonly apiKey: string | undefined;
  private readonly secret: Buffer | undefined;
  private readonly timeoutMs: number;
  private readonly maxAttempts: number;
  private readonly backoff: BackoffPolicy;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly userAgent: string;
  private readonly fetchImpl: typeof fetch;
  private readonly onWarning: ((method: string, warning: string) => void) | undefined;
  private readonly onRetry: KrakenRestClientOptions['onRetry'];

  constructor(options: KrakenRestClientOptions = {}) {
    this.baseUrl = (options.baseUrl ?? KRAKEN_REST_URL).replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.secret = options.apiSecret === undefined ? undefined : decodeApiSecret(options.apiSecret);
    this.nonce = options.nonce ?? new NonceGenerator();
    this.clock = options.clock ?? realClock;
    this.limiter =
      options.rateLimiter === undefined
        ? new RestRateLimiter(
            KRAKEN_REST_TIERS[options.tier ?? 'starter'],
            this.clock,
            options.rateLimiterBuffer,
            options.rateLimiterReserve ?? 0,
          )
        : options.rateLimiter;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_REST_TIMEOUT_MS;
    const maxHoldMs = this.timeoutMs + GATE_HOLD_MARGIN_MS;
    this.priority = options.routine === true ? 'routine' : 'urgent';
    this.onGateTakeover = options.onCallGateTakeover;
    this.callGate = new PrivateCallGate(
      maxHoldMs,
      Math.min(ROUTINE_GRACE_MS, maxHoldMs),
      options.callGateBuffer,
      this.clock,
    );
    this.maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? DEFAULT_REST_MAX_ATTEMPTS));
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.random = options.random ?? Math.random;
    this.userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
    this.fetchImpl = options.fetch ?? fetch;
    this.onWarning = options.onWarning;
    this.onRetry = options.onRetry;
  }

  /** GET /0/public/<method>; resolves to the envelope's `result`. */
  publicRequest(method: string, params: RestParams = {}, signal?: AbortSignal): Promise<unknown> {
    const query = formEncode(params);
    const url = `${this.baseUrl}/0/public/${method}${query === '' ? '' : `?${query}`}`;
    return this.run(method, false, signal, () => ({
      url,
      init: { method: 'GET', headers: { 'User-Agent': this.userAgent } },
    }));
  }

  /** Signed POST /0/private/<method>; a fresh nonce and signature per attempt. */
  privateRequest(method: string, params: RestParams = {}, signal?: AbortSignal): Promise<unknown> {
    const apiKey = this.apiKey;
    const secret = this.secret;
    if (apiKey === undefined || secret === undefined)
      return Promise.reject(new KrakenCredentialsError(method));
    const path = `/0/private/${method}`;
    return this.run(method, true, signal, () => {
      const nonce = this.nonce.next().toString();
      const body = formEncode({ nonce, ...params });
      return {
        url: `${this.baseUrl}${path}`,
        init: {
          method: 'POST',
          headers: {
            'User-Agent': this.userAgent,
            'Content-Type': 'application/x-www-form-urlencoded',
            'API-Key': apiKey,
            'API-Sign': signRequest(path, nonce, body, secret),
          },
          body,
        },
      };
    });
  }

  private async run(
    method: string,
    isPrivate: boolean,
    signal: AbortSignal | undefined,
    build: () => Attempt,
  ): Promise<unknown> {
    const orderChanging = ORDER_CHANGING_METHODS.has(method);
    const attempts = orderChanging ? 1 : this.maxAttempts;
    const cost = isPrivate ? restCallCost(method) : 0;
    // A caller that gives up (its signal) while a retry waits hears Kraken's last answer, not "aborted".
    let lastError: Error | undefined;
    for (let attempt = 1; ; attempt++) {
      try {
        if (this.limiter !== null && cost > 0) await this.limiter.acquire(cost, signal);
        signal?.throwIfAborted();
      } catch (err) {
        throw lastError ?? err;
      }
      try {
        // Private: the nonce is drawn inside the gate, so calls reach Kraken in nonce order.
        if (!isPrivate) return await this.once(method, build(), signal);
        const onTakeover = this.onGateTakeover;
        const took = onTakeover === undefined ? undefined : (ms: number): void => onTakeover(method, ms);
        return await this.callGate.run(() => this.once(method, build(), signal), signal, this.priority, took);
      } catch (err) {
        if (!(err instanceof Error)) throw err;
        if (err instanceof KrakenError && err.code === 'EAPI:Rate limit exceeded') this.limiter?.saturate();
        // Throttled until a given time: every call of this key waits for it, not only this retry.
        if (err instanceof KrakenError && err.code === 'EService:Throttled' && err.retryAfterMs !== undefined)
          this.limiter?.holdFor(err.retryAfterMs);
        if (orderChanging && outcomeUnknown(err)) throw OrderOutcomeUnknownError.afterRestCall(method, err);
        // Cut short by the caller: the previous answer, if any, says more than "aborted".
        if (signal?.aborted === true) throw abortedBy(err, signal) ? (lastError ?? err) : err;
        lastError = err;
        if (retryClass(err) !== 'retryable' || attempt >= attempts) throw err;
        const retryAfter = err instanceof KrakenError ? err.retryAfterMs : undefined;
        const delayMs = retryAfter ?? backoffDelayMs(this.backoff, attempt, this.random);
        this.onRetry?.(method, attempt, err, delayMs);
        await this.clock.sleep(delayMs, signal).catch(() => {
          throw err;
        });
      }
    }
  }

  /** One HTTP exchange → `result`, or a typed error. The timeout covers the body too. */
  private async once(method: string, attempt: Attempt, signal: AbortSignal | undefined): Promise<unknown> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.timeoutMs);
    const combined = signal === undefined ? timeout.signal : AbortSignal.any([signal, timeout.signal]);
    let status = 0;
    let text: string;
    try {
      const res = await this.fetchImpl(attempt.url, { ...attempt.init, signal: combined });
      status = res.status;
      text = await res.text();
    } catch (err) {
      if (timeout.signal.aborted) {
        throw new KrakenTransportError(
          'KRAKEN_TIMEOUT',
          method,
          `no complete answer within ${this.timeoutMs} ms`,
          undefined,
          { cause: err },
        );
      }
      if (signal?.aborted === true) {
        const why = signal.reason instanceof Error ? `: ${signal.reason.message}` : '';
        throw new KrakenTransportError('KRAKEN_ABORTED', method, `aborted by caller${why}`, undefined, {
          cause: err,
        });
      }
      throw new KrakenTransportError('KRAKEN_NETWORK', method, networkMessage(err), undefined, {
        cause: err,
      });
    } finally {
      clearTimeout(timer);
    }
    return this.parseEnvelope(method, status, text);
  }

  private parseEnvelope(method: string, status: number, text: string): unknown {
    const httpOk = status >= 200 && status < 300;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // A proxy or Cloudflare page instead of Kraken JSON: report status and a short, single-line snippet.
      if (!httpOk) throw new KrakenTransportError('KRAKEN_HTTP_STATUS', method, `HTTP ${status}`, status);
      const snippet = text.slice(0, MAX_BODY_SNIPPET_CHARS).replace(/\s+/g, ' ');
      throw new KrakenTransportError(
        'KRAKEN_BAD_JSON',
        method,
        `unparseable body (${text.length} bytes): ${JSON.stringify(snippet)}`,
        status,
      );
    }
    const env =
      typeof json === 'object' && json !== null && !Array.isArray(json)
        ? (json as Record<string, unknown>)
        : undefined;
    const errors = env?.['error'];
    if (env === undefined || !Array.isArray(errors)) {
      if (!httpOk) throw new KrakenTransportError('KRAKEN_HTTP_STATUS', method, `HTTP ${status}`, status);
      throw new KrakenResponseError(
        method,
        env === undefined ? 'body' : 'error',
        'expected {error: [...], result}',
      );
    }
    let worst: KrakenError | undefined;
    for (const e of errors) {
      if (typeof e !== 'string')
        throw new KrakenResponseError(method, 'error', 'error entries must be strings');
      if (isKrakenWarning(e)) {
        this.onWarning?.(method, e);
        continue;
      }
      const ke = parseKrakenError(e, method);
      if (worst === undefined || RETRY_SEVERITY[ke.retry] > RETRY_SEVERITY[worst.retry]) worst = ke;
    }
    if (worst !== undefined) throw worst;
    if (!httpOk) throw new KrakenTransportError('KRAKEN_HTTP_STATUS', method, `HTTP ${status}`, status);
    if (env['result'] === undefined) throw new KrakenResponseError(method, 'result', 'missing');
    return env['result'];
  }
}

function outcomeUnknown(err: Error): boolean {
  if (err instanceof KrakenError) return OUTCOME_UNKNOWN_CODES.has(err.code);
  // Aborted before anything was sent is "not sent"; the run loop checks that before calling once().
  return err instanceof KrakenTransportError || err instanceof KrakenResponseError;
}

function networkMessage(err: unknown): string {
  // undici wraps the socket error as `cause`; its code (ECONNREFUSED, ...) is what an operator needs.
  const cause =
    err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  const base = err instanceof Error ? err.message : String(err);
  return code === undefined ? base : `${base} (${code})`;
}

/** The error is the caller's abort itself (in flight, or while waiting for the gate), not an answer. */
function abortedBy(err: Error, signal: AbortSignal): boolean {
  return err === signal.reason || (err instanceof KrakenTransportError && err.code === 'KRAKEN_ABORTED');
}

/** application/x-www-form-urlencoded, skipping undefined values; insertion order kept (nonce first). */
export function formEncode(params: RestParams): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) p.append(k, String(v));
  return p.toString();
}
