/**
 * Attaches the WS API v1 servers (public `/ws/v1/public`, private `/ws/v1/private`) to an HTTP
 * server through the shared upgrade router, wires them to the market, the venue, the faults and the
 * timing registry, and runs their timers (heartbeat, system-status watch, garbage-fault check).
 */
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { SimMarket, SimVenue, SystemStatus } from '../contracts.js';
import type { SimFaultsControl } from '../faults.js';
import type { TimingRegistry } from '../timing.js';
import { upgradeRouterFor, type UpgradeRouter } from './upgrade-router.js';
import { V1PrivateServer } from './v1-private-server.js';
import { V1PublicServer } from './v1-public-server.js';

export const WS_V1_PUBLIC_PATH = '/ws/v1/public';
export const WS_V1_PRIVATE_PATH = '/ws/v1/private';
/** Kraken: heartbeat about once a second on an idle subscribed connection (§1.5). */
export const DEFAULT_HEARTBEAT_MS = 1000;
/** How often the venue's system status and the garbage fault are looked at. */
export const DEFAULT_STATUS_POLL_MS = 50;

export interface WsV1Deps {
  market: SimMarket;
  venue: SimVenue;
  faults: SimFaultsControl;
  /** Dislocation timing: frame-written stamps (public) and order-arrival stamps (private). */
  timing?: TimingRegistry;
  /** Called with the monotonic ns right after the first frame carrying a dislocation is written (in addition to `timing`). */
  onDislocationFrameWritten?: (id: number, ns: bigint) => void;
  heartbeatMs?: number;
  statusPollMs?: number;
  /** Per-socket send buffer above which frames are dropped (counted) for that socket. */
  maxBufferedBytes?: number;
  /** The monotonic ms clock `faults.stallUntilMs` is expressed in; default `performance.now()`. */
  nowMs?: () => number;
  /** Defaults to the server's shared router (`upgradeRouterFor(server)`). */
  router?: UpgradeRouter;
  publicPath?: string;
  privatePath?: string;
}

export interface WsV1Stats {
  public: {
    connections: number;
    connectionsTotal: number;
    subscriptions: number;
    framesSent: number;
    framesDropped: number;
    badInput: number;
    stalledChanges: number;
    garbageSent: number;
  };
  private: {
    connections: number;
    connectionsTotal: number;
    subscriptions: number;
    framesSent: number;
    framesDropped: number;
    badInput: number;
    ordersReceived: number;
    ordersRejected: number;
  };
}

export interface WsV1Handle {
  close(): Promise<void>;
  stats(): WsV1Stats;
  /** Same effect as `faults.dropConnections(which)` (which calls this when faults has `onDrop`). */
  dropConnections(which: 'public' | 'private' | 'all'): void;
}

export function attachWsV1(server: Server, deps: WsV1Deps): WsV1Handle {
  const router = deps.router ?? upgradeRouterFor(server);
  const publicPath = deps.publicPath ?? WS_V1_PUBLIC_PATH;
  const privatePath = deps.privatePath ?? WS_V1_PRIVATE_PATH;
  const timing = deps.timing;
  const extra = deps.onDislocationFrameWritten;
  const onFrame =
    timing === undefined && extra === undefined
      ? undefined
      : (id: number, ns: bigint): void => {
          timing?.frameWritten(id, ns);
          extra?.(id, ns);
        };
  const pub = new V1PublicServer({
    market: deps.market,
    faults: deps.faults,
    systemStatus: () => deps.venue.systemStatus(),
    nowMs: deps.nowMs ?? (() => performance.now()),
    maxBufferedBytes: deps.maxBufferedBytes,
    onDislocationFrameWritten: onFrame,
  });
  const priv = new V1PrivateServer({
    venue: deps.venue,
    faults: deps.faults,
    timing,
    maxBufferedBytes: deps.maxBufferedBytes,
  });

  router.route(publicPath, pub.handleUpgrade);
  try {
    router.route(privatePath, priv.handleUpgrade);
  } catch (err) {
    router.unroute(publicPath);
    throw err;
  }

  const offChange = deps.market.onChange((change) => {
    if (deps.faults.garbageFrames > 0) pub.injectGarbageIfAsked();
    pub.feed.onChange(change);
  });

  const dropConnections = (which: 'public' | 'private' | 'all'): void => {
    if (which !== 'private') pub.dropAll();
    if (which !== 'public') priv.dropAll();
  };
  const onDrop = (
    deps.faults as Partial<{ onDrop(l: (w: 'public' | 'private' | 'all') => void): () => void }>
  ).onDrop;
  const offDrop = typeof onDrop === 'function' ? onDrop.call(deps.faults, dropConnections) : undefined;

  let status: SystemStatus = deps.venue.systemStatus();
  const poll = setInterval(() => {
    const now = deps.venue.systemStatus();
    if (now !== status) {
      status = now;
      pub.announceStatus(now);
      priv.announceStatus(now);
    }
    pub.injectGarbageIfAsked();
  }, deps.statusPollMs ?? DEFAULT_STATUS_POLL_MS);
  const heartbeat = setInterval(() => {
    pub.heartbeat();
    priv.heartbeat();
  }, deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  poll.unref();
  heartbeat.unref();

  let closed: Promise<void> | null = null;
  return {
    dropConnections,
    stats: () => ({
      public: {
        connections: pub.sessions.size,
        connectionsTotal: pub.connectionsTotal,
        subscriptions: pub.feed.subscriptions,
        framesSent: pub.out.framesSent,
        framesDropped: pub.out.framesDropped,
        badInput: pub.badInput,
        stalledChanges: pub.feed.stalledChanges,
        garbageSent: pub.garbageSent,
      },
      private: {
        connections: priv.sessions.size,
        connectionsTotal: priv.connectionsTotal,
        subscriptions: priv.subscriptions,
        framesSent: priv.out.framesSent,
        framesDropped: priv.out.framesDropped,
        badInput: priv.badInput,
        ordersReceived: priv.ordersReceived,
        ordersRejected: priv.ordersRejected,
      },
    }),
    close() {
      if (closed !== null) return closed;
      clearInterval(poll);
      clearInterval(heartbeat);
      offChange();
      offDrop?.();
      router.unroute(publicPath);
      router.unroute(privatePath);
      closed = Promise.all([pub.close(), priv.close()]).then(() => undefined);
      return closed;
    },
  };
}
