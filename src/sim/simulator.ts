/**
 * Composition of one Kraken simulator: market + venue + faults + timing behind ONE HTTP server on
 * one port, serving REST (`/0/...`), the control API (`/_sim/...`) and WebSocket upgrades
 * of every API version in src/sim/ws/versions.ts (`/ws/v1/public`, `/ws/v1/private`, `/ws/v2/public`,
 * `/ws/v2/private`, routed by src/sim/ws/shared/upgrade-router.ts).
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { decodeApiSecret } from '../kraken/sign.js';
import type { BookChange, SimMarket } from './contracts.js';
import { SimCounters } from './control/counters.js';
import { createControlHandler } from './control/control-api.js';
import { createFaults, type SimFaultsControl } from './faults.js';
import { createRestHandler } from './rest/rest-handler.js';
import { createTimingRegistry, type TimingRegistry } from './timing.js';
import type { Tier } from './venue/rate-counter.js';
import { createVenue, type VenueImpl } from './venue/venue.js';
import { SIM_WS_VERSIONS } from './ws/versions.js';
import { createMarket, type SimMarketModel } from './market/market.js';
import { readRecording, type Recording } from './replay/recording.js';
import { createReplayMarket } from './replay/replay-market.js';
import { AppError, type AppErrorKind } from '../core/app-error.js';

/** Deterministic test credentials: a 56-character key and a base64 secret of 64 bytes, like Kraken's. */
export const DEFAULT_API_KEY =
  createHash('sha256').update('kraken-arb simulator api key').digest('base64').slice(0, 43) + 'SIMKEY0000000';
export const DEFAULT_API_SECRET = createHash('sha512')
  .update('kraken-arb simulator api secret')
  .digest('base64');

/** The market model's default dislocation lifetime (src/sim/market/market-params.ts). */
const DEFAULT_DISLOCATION_LIFETIME_MS = 300;
const TIMING_GRACE_MS = 1000;

/** Starting balances of the default account. */
export const DEFAULT_BALANCES: Readonly<Record<string, number>> = {
  ZUSD: 250_000,
  ZEUR: 250_000,
  USDT: 50_000,
};

export interface SimulatorOptions {
  /** 0 (default) = a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  seed?: number;
  coins?: number;
  /** List USDC/USD and USDC/EUR too: a stablecoin-base coin, on the stablecoin fee schedule. */
  stablecoinCoin?: boolean;
  updatesPerSecond?: number;
  dislocationsPerMinute?: number;
  dislocationBps?: number;
  dislocationLifetimeMs?: number;
  replayFile?: string;
  /** Replay pace: 1 = as recorded, 10 = ten times faster. */
  replaySpeed?: number;
  /** Start the replay over when it ends. */
  replayLoop?: boolean;
  apiKey?: string;
  /** Base64 of 64 bytes. */
  apiSecret?: string;
  /** Default account's starting balances (asset id → amount). */
  balances?: Readonly<Record<string, number>>;
  /** Default account's starting 30-day volume in USD. */
  volumeUsd?: number;
  /** More accounts (each with its own key and secret). */
  extraAccounts?: ReadonlyArray<{
    apiKey: string;
    apiSecret: string;
    balances: Readonly<Record<string, number>>;
    volumeUsd?: number;
    /** Private REST methods this key has no permission for (`EGeneral:Permission denied`). */
    denied?: readonly string[];
  }>;
  /** Trading-limit tier (docs/kraken-protocol.md §5.2); default starter. */
  tier?: Tier;
  /** REST call-counter tier (docs/kraken-protocol.md §5.1); default pro. */
  restTier?: Tier;
  /** Use this market instead of creating one (tests); the simulator still starts and stops it. */
  market?: SimMarket;
  /**
   * More WebSocket servers, attached after every API version of src/sim/ws/versions.ts: each
   * attacher registers its own paths on the server's shared upgrade router
   * (`upgradeRouterFor(server)` in src/sim/ws/shared/upgrade-router.ts) and is closed by stop().
   */
  wsAttachers?: readonly WsAttacher[];
}

/** What an extra WS server needs; everything is shared with REST and the versions' servers. */
export interface WsDeps {
  market: SimMarket;
  venue: VenueImpl;
  faults: SimFaultsControl;
  timing: TimingRegistry;
  /** The monotonic ms clock `faults.stallUntilMs` uses. */
  nowMs: () => number;
}

export type WsAttacher = (server: Server, deps: WsDeps) => { close(): Promise<void>; stats?(): unknown };

export interface RunningSimulator {
  urls: {
    rest: string;
    wsPublic: string;
    wsPrivate: string;
    wsPublicV2: string;
    wsPrivateV2: string;
    control: string;
  };
  apiKey: string;
  apiSecret: string;
  port: number;
  venue: VenueImpl;
  market: SimMarket;
  faults: SimFaultsControl;
  timing: TimingRegistry;
  counters: SimCounters;
  server: Server;
  /** Closes the server, every socket and timer, and stops the market. Idempotent. */
  stop(): Promise<void>;
}

export class SimulatorError extends AppError {
  readonly kind: AppErrorKind;
  constructor(
    readonly code: 'SIM_BAD_OPTION' | 'SIM_LISTEN_FAILED',
    message: string,
  ) {
    super(message);
    this.kind = code === 'SIM_BAD_OPTION' ? 'config' : 'io';
    this.name = 'SimulatorError';
  }
}

/** Registers a dislocation in the timing registry from the change that opens it (side = the side it moved). */
function registerFromChange(timing: TimingRegistry, change: BookChange): void {
  if (change.dislocationId === undefined) return;
  const ask = change.asks.find((l) => l.qty > 0);
  const bid = change.bids.find((l) => l.qty > 0);
  if (ask !== undefined) timing.registerDislocation(change.dislocationId, change.pairIndex, 'ask', ask.price);
  else if (bid !== undefined)
    timing.registerDislocation(change.dislocationId, change.pairIndex, 'bid', bid.price);
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  const host = options.host ?? '127.0.0.1';
  const replay = options.replayFile !== undefined ? loadReplay(options.replayFile, options) : undefined;
  const apiKey = options.apiKey ?? DEFAULT_API_KEY;
  const apiSecret = options.apiSecret ?? DEFAULT_API_SECRET;
  const secrets = decodeSecrets([
    [apiKey, apiSecret],
    ...(options.extraAccounts ?? []).map((a) => [a.apiKey, a.apiSecret] as [string, string]),
  ]);
  const market = options.market ?? replay ?? createModelMarket(options);
  const faults = createFaults();
  // Closes come from the market; the lifetime is only a fallback for markets that never report them.
  const timing = createTimingRegistry({
    lifetimeMs: (options.dislocationLifetimeMs ?? DEFAULT_DISLOCATION_LIFETIME_MS) + TIMING_GRACE_MS,
  });
  const counters = new SimCounters();
  const venue = createSimVenue(options, apiKey, market, faults, timing);
  const deps: WsDeps = { market, venue, faults, timing, nowMs: () => performance.now() };
  // Subscribed before the WS servers so a dislocation is registered before its first frame is written.
  const offDislocations = timeDislocations(market, timing);
  const denied = new Map(
    (options.extraAccounts ?? []).map((a) => [a.apiKey, new Set(a.denied ?? [])] as const),
  );
  const rest = createRestHandler({
    venue,
    faults,
    counters,
    secrets,
    denied,
    timing,
    restTier: options.restTier,
  });
  const control = createSimControl(deps, counters, secrets, () => ws.stats());
  const server = createHttpServer(rest, control, counters);
  const ws = attachWs(server, deps, options.wsAttachers ?? []);
  await listen(server, options.port ?? 0, host, async () => {
    await ws.close();
    offDislocations();
  });
  market.start();

  const port = (server.address() as AddressInfo).port;
  const stop = async (): Promise<void> => {
    market.stop();
    offDislocations();
    rest.close();
    await ws.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  };
  let stopped: Promise<void> | null = null;
  return {
    urls: simulatorUrls(host, port),
    ...{ apiKey, apiSecret, port, venue, market, faults, timing, counters, server },
    stop: () => (stopped ??= stop()),
  };
}

/** The control API over the same venue, faults and timing; it dislocates only a market model that can. */
function createSimControl(
  deps: WsDeps,
  counters: SimCounters,
  secrets: ReadonlyMap<string, Buffer>,
  wsStats: () => unknown,
): ReturnType<typeof createControlHandler> {
  const { market } = deps;
  const model = market as Partial<SimMarketModel>;
  return createControlHandler({
    venue: deps.venue,
    faults: deps.faults,
    counters,
    timing: deps.timing,
    apiKeys: () => [...secrets.keys()],
    monotonicMs: deps.nowMs,
    wsState: wsStats,
    wsCounters: wsStats,
    dislocate:
      typeof model.dislocate === 'function' ? (req) => model.dislocate?.call(market, req) ?? null : undefined,
  });
}

/** `--replay`: the recorded spreads as the market; a file that cannot be read or holds none is a bad option. */
function loadReplay(file: string, options: SimulatorOptions): SimMarket {
  let recording: Recording;
  try {
    recording = readRecording(file);
  } catch (err) {
    throw new SimulatorError('SIM_BAD_OPTION', `cannot read the replay file: ${(err as Error).message}`);
  }
  if (recording.spreads.length === 0) {
    throw new SimulatorError(
      'SIM_BAD_OPTION',
      `the replay file has no spread frames (${recording.badLines} bad lines)`,
    );
  }
  return createReplayMarket(recording, {
    speed: options.replaySpeed ?? 1,
    loop: options.replayLoop ?? false,
  });
}

/** API key → decoded secret; every secret must be base64 of 64 bytes, like Kraken's. */
function decodeSecrets(pairs: ReadonlyArray<[string, string]>): Map<string, Buffer> {
  const secrets = new Map<string, Buffer>();
  for (const [k, s] of pairs) {
    let bytes: Buffer;
    try {
      bytes = decodeApiSecret(s);
    } catch {
      throw new SimulatorError('SIM_BAD_OPTION', `API secret for a simulator account is not valid base64`);
    }
    if (bytes.length !== 64)
      throw new SimulatorError(
        'SIM_BAD_OPTION',
        `API secret must be base64 of 64 bytes (got ${bytes.length} bytes)`,
      );
    secrets.set(k, bytes);
  }
  return secrets;
}

function createModelMarket(options: SimulatorOptions): SimMarket {
  return createMarket({
    seed: options.seed,
    coins: options.coins,
    stablecoinCoin: options.stablecoinCoin,
    updatesPerSecond: options.updatesPerSecond,
    dislocationsPerMinute: options.dislocationsPerMinute,
    dislocationBps: options.dislocationBps,
    dislocationLifetimeMs: options.dislocationLifetimeMs,
  });
}

/** The venue with the default account first, then the extra accounts. */
function createSimVenue(
  options: SimulatorOptions,
  apiKey: string,
  market: SimMarket,
  faults: SimFaultsControl,
  timing: TimingRegistry,
): VenueImpl {
  return createVenue({
    market,
    faults,
    timing,
    seed: options.seed ?? 1,
    tier: options.tier,
    accounts: [
      { apiKey, balances: options.balances ?? DEFAULT_BALANCES, volumeUsd: options.volumeUsd },
      ...(options.extraAccounts ?? []).map((a) => ({
        apiKey: a.apiKey,
        balances: a.balances,
        volumeUsd: a.volumeUsd,
      })),
    ],
  });
}

/**
 * Feeds the timing registry: from the model's dislocation events when the market has them, else
 * from the book changes that carry a dislocation id. Returns the unsubscribe.
 */
function timeDislocations(market: SimMarket, timing: TimingRegistry): () => void {
  const model = market as Partial<SimMarketModel>;
  return typeof model.onDislocation === 'function'
    ? model.onDislocation.call(market, (d, phase) => {
        if (phase === 'open') timing.registerDislocation(d.id, d.pairIndex, d.side, d.price, d.openedAtNs);
        else if (phase === 'closed') timing.closeDislocation(d.id);
      })
    : market.onChange((c) => registerFromChange(timing, c));
}

/** One HTTP server: REST under `/0/`, the control API under `/_sim/`, Kraken's unknown-method error elsewhere. */
function createHttpServer(
  rest: ReturnType<typeof createRestHandler>,
  control: ReturnType<typeof createControlHandler>,
  counters: SimCounters,
): Server {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://sim.invalid');
    } catch {
      counters.inc('http.badUrl');
      res.writeHead(400).end();
      return;
    }
    if (url.pathname.startsWith('/0/')) rest.handle(req, res, url);
    else if (url.pathname.startsWith('/_sim/')) control(req, res, url);
    else {
      counters.inc('http.notFound');
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":["EGeneral:Unknown method"]}');
    }
  });
  server.on('clientError', (_err, socket) => {
    counters.inc('http.clientErrors');
    socket.destroy();
  });
  return server;
}

/** Every API version's WS servers, then the extra attachers: closed together, counted together. */
function attachWs(
  server: Server,
  deps: WsDeps,
  attachers: readonly WsAttacher[],
): { close(): Promise<unknown>; stats(): unknown } {
  const v1 = SIM_WS_VERSIONS.v1.attach(server, deps);
  const v2 = SIM_WS_VERSIONS.v2.attach(server, deps);
  const extra = attachers.map((attach) => attach(server, deps));
  return {
    close: () => Promise.all([v1.close(), v2.close(), ...extra.map((x) => x.close())]),
    stats: () => ({ v1: v1.stats(), v2: v2.stats(), extra: extra.map((x) => x.stats?.() ?? null) }),
  };
}

/** Listens, or undoes what `undo` names and throws SIM_LISTEN_FAILED. */
async function listen(server: Server, port: number, host: string, undo: () => Promise<void>): Promise<void> {
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await undo();
    throw new SimulatorError(
      'SIM_LISTEN_FAILED',
      `cannot listen on ${host}:${port}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

function simulatorUrls(host: string, port: number): RunningSimulator['urls'] {
  const hostUrl = host.includes(':') ? `[${host}]` : host;
  return {
    rest: `http://${hostUrl}:${port}`,
    wsPublic: `ws://${hostUrl}:${port}${SIM_WS_VERSIONS.v1.publicPath}`,
    wsPrivate: `ws://${hostUrl}:${port}${SIM_WS_VERSIONS.v1.privatePath}`,
    wsPublicV2: `ws://${hostUrl}:${port}${SIM_WS_VERSIONS.v2.publicPath}`,
    wsPrivateV2: `ws://${hostUrl}:${port}${SIM_WS_VERSIONS.v2.privatePath}`,
    control: `http://${hostUrl}:${port}/_sim`,
  };
}
