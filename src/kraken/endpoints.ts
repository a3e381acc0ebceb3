/**
 * Kraken endpoint URLs: defaults, colocated hosts and overrides.
 * Facts: docs/kraken-protocol.md §0 and §7 (docs.kraken.com/api/docs/websocket-v1, guides/global-intro).
 * No colocated REST host is documented for spot, so REST stays on api.kraken.com when colocated.
 */
import { AppError } from '../core/app-error.js';

export type KrakenWsApi = 'v1' | 'v2';

export const KRAKEN_REST_URL = 'https://api.kraken.com';

/** Public internet WebSocket hosts per API version. */
export const KRAKEN_WS_URLS: Readonly<
  Record<KrakenWsApi, { readonly public: string; readonly private: string }>
> = {
  v1: { public: 'wss://ws.kraken.com', private: 'wss://ws-auth.kraken.com' },
  v2: { public: 'wss://ws.kraken.com/v2', private: 'wss://ws-auth.kraken.com/v2' },
};

/** Colocated (Beeks / cross-connect, London) WebSocket hosts per API version. */
export const KRAKEN_COLO_WS_URLS: Readonly<
  Record<KrakenWsApi, { readonly public: string; readonly private: string }>
> = {
  v1: { public: 'wss://colo-london.vip-ws.kraken.com', private: 'wss://colo-london.vip-ws-auth.kraken.com' },
  v2: {
    public: 'wss://colo-london.vip-ws.kraken.com/v2',
    private: 'wss://colo-london.vip-ws-auth.kraken.com/v2',
  },
};

export interface EndpointOptions {
  readonly colocated: boolean;
  readonly wsApi: KrakenWsApi;
  /** `KRAKEN_REST_URL`: base URL without `/0/...`, e.g. `http://127.0.0.1:8080`. */
  readonly restUrl?: string | undefined;
  /** `KRAKEN_WS_URL`: the public WS URL of the selected API version (v1 or v2). */
  readonly wsUrl?: string | undefined;
  /** `KRAKEN_WS_AUTH_URL`: the private WS URL of the selected API version (v1 or v2). */
  readonly wsAuthUrl?: string | undefined;
}

export interface KrakenEndpoints {
  /** REST base without trailing slash; requests go to `${rest}/0/public/...`. */
  readonly rest: string;
  readonly wsPublic: string;
  readonly wsPrivate: string;
}

/** Thrown by resolveEndpoints; lists every bad variable at once so config can report them together. */
export class EndpointConfigError extends AppError {
  readonly code = 'KRAKEN_ENDPOINT_INVALID';
  readonly kind = 'config';
  constructor(readonly problems: readonly string[]) {
    super(`invalid Kraken endpoint configuration: ${problems.join('; ')}`);
    this.name = 'EndpointConfigError';
  }
}

const MAX_ECHOED_CHARS = 120;

/**
 * Checks one URL; returns a problem description naming `variable`, or null when the URL is fine.
 * URLs with credentials are rejected without echoing them (they may carry a password).
 */
export function checkEndpointUrl(
  variable: string,
  value: string,
  protocols: readonly string[],
): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    const shown = value.length > MAX_ECHOED_CHARS ? `${value.slice(0, MAX_ECHOED_CHARS)}…` : value;
    return `${variable} is not a valid URL (got ${JSON.stringify(shown)})`;
  }
  if (url.username !== '' || url.password !== '') {
    return `${variable} must not contain credentials`;
  }
  if (!protocols.includes(url.protocol)) {
    return `${variable} must use ${protocols.map((p) => p.replace(':', '://')).join(' or ')} (got ${url.protocol.replace(':', '://')})`;
  }
  if (url.search !== '' || url.hash !== '') {
    return `${variable} must not contain a query or fragment`;
  }
  return null;
}

const HTTP_PROTOCOLS = ['http:', 'https:'] as const;
const WS_PROTOCOLS = ['ws:', 'wss:'] as const;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** Resolves the three URLs the system talks to; throws EndpointConfigError listing every bad override. */
export function resolveEndpoints(options: EndpointOptions): KrakenEndpoints {
  const ws = options.colocated ? KRAKEN_COLO_WS_URLS[options.wsApi] : KRAKEN_WS_URLS[options.wsApi];
  if (ws === undefined)
    throw new EndpointConfigError([`unknown WS API version ${JSON.stringify(options.wsApi)}`]);
  const rest = nonEmpty(options.restUrl) ?? KRAKEN_REST_URL;
  const wsPublic = nonEmpty(options.wsUrl) ?? ws.public;
  const wsPrivate = nonEmpty(options.wsAuthUrl) ?? ws.private;
  const problems = [
    checkEndpointUrl('KRAKEN_REST_URL', rest, HTTP_PROTOCOLS),
    checkEndpointUrl('KRAKEN_WS_URL', wsPublic, WS_PROTOCOLS),
    checkEndpointUrl('KRAKEN_WS_AUTH_URL', wsPrivate, WS_PROTOCOLS),
  ].filter((p): p is string => p !== null);
  if (problems.length > 0) throw new EndpointConfigError(problems);
  // Trailing slashes would double up with the `/0/...` paths the REST client appends.
  return { rest: rest.replace(/\/+$/, ''), wsPublic, wsPrivate };
}
