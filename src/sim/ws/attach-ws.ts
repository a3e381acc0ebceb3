/**
 * Attaches one API version's public and private WS servers to an HTTP server through the shared
 * upgrade router, wires them to the market, the venue and the faults, and runs their timers (1 s
 * tick: heartbeats and whatever the public server refreshes; status poll: system-status watch and
 * the garbage fault). The version files (attach-ws-v1.ts, src/sim/ws-v2/attach-ws-v2.ts) only build
 * their two servers.
 */
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { BookChange, SimMarket, SimVenue, SystemStatus } from '../contracts.js';
import type { DropTarget, SimFaultsControl } from '../faults.js';
import type { TimingRegistry } from '../timing.js';
import { upgradeRouterFor, type UpgradeRouter } from './upgrade-router.js';
import type { WsPrivateServer, PrivateItem, PrivateSession } from './ws-private-server.js';
import type { WsPublicServer } from './ws-public-server.js';
import type { WsSession } from './ws-server.js';

/** Kraken: heartbeat about once a second on an idle subscribed connection (§1.5). */
export const DEFAULT_HEARTBEAT_MS = 1000;
/** How often the venue's system status and the garbage fault are looked at. */
export const DEFAULT_STATUS_POLL_MS = 50;

export interface WsAttachDeps {
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

export interface WsStats {
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

export interface WsHandle {
  close(): Promise<void>;
  stats(): WsStats;
  /** Same effect as `faults.dropConnections(which)` (which calls this through `faults.onDrop`). */
  dropConnections(which: DropTarget): void;
}

/** A public server with its market-data fan-out. */
export interface AttachedPublicServer extends WsPublicServer<WsSession> {
  readonly feed: {
    onChange(change: BookChange): void;
    readonly subscriptions: number;
    readonly stalledChanges: number;
  };
}

export interface WsServerPair {
  pub: AttachedPublicServer;
  priv: WsPrivateServer<PrivateSession<PrivateItem>, PrivateItem>;
  publicPath: string;
  privatePath: string;
  /** Undoes any extra wiring the version made (called by close()). */
  detach?: () => void;
}

/** The public server's "dislocation frame written" callback: the timing registry and the caller's hook. */
export function dislocationStamp(deps: WsAttachDeps): ((id: number, ns: bigint) => void) | undefined {
  const { timing, onDislocationFrameWritten: extra } = deps;
  if (timing === undefined && extra === undefined) return undefined;
  return (id, ns) => {
    timing?.frameWritten(id, ns);
    extra?.(id, ns);
  };
}

/** The monotonic clock the public server checks the stall fault against. */
export const nowMsOf = (deps: WsAttachDeps): (() => number) => deps.nowMs ?? (() => performance.now());

export function attachWsServers(server: Server, deps: WsAttachDeps, servers: WsServerPair): WsHandle {
  const { pub, priv, publicPath, privatePath } = servers;
  const router = deps.router ?? upgradeRouterFor(server);
  try {
    router.route(publicPath, pub.handleUpgrade);
    try {
      router.route(privatePath, priv.handleUpgrade);
    } catch (err) {
      router.unroute(publicPath);
      throw err;
    }
  } catch (err) {
    // The servers already listen to the venue and the faults: release them.
    servers.detach?.();
    void pub.close();
    void priv.close();
    throw err;
  }

  const offChange = deps.market.onChange((change) => {
    pub.injectGarbageIfAsked();
    pub.feed.onChange(change);
  });

  const dropConnections = (which: DropTarget): void => {
    if (which !== 'private') pub.dropAll();
    if (which !== 'public') priv.dropAll();
  };
  const offDrop = deps.faults.onDrop(dropConnections);

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
  const tick = setInterval(() => {
    pub.tick();
    priv.heartbeat();
  }, deps.heartbeatMs ?? DEFAULT_HEARTBEAT_MS);
  poll.unref();
  tick.unref();

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
      clearInterval(tick);
      offChange();
      offDrop();
      servers.detach?.();
      router.unroute(publicPath);
      router.unroute(privatePath);
      closed = Promise.all([pub.close(), priv.close()]).then(() => undefined);
      return closed;
    },
  };
}
