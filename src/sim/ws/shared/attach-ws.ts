/**
 * Attaches one API version's public and private WS servers to an HTTP server through the shared
 * upgrade router, wires them to the market, the venue and the faults, and runs their timers (1 s
 * tick: heartbeats and whatever the public server refreshes; status poll: system-status watch and
 * the garbage fault). The version files (../v1/attach.ts, ../v2/attach.ts) only build their two
 * servers.
 */
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { BookChange, SimMarket, SimVenue, SystemStatus } from '../../contracts.js';
import type { DropTarget, SimFaultsControl } from '../../faults.js';
import type { TimingRegistry } from '../../timing.js';
import { upgradeRouterFor, type UpgradeRouter } from './upgrade-router.js';
import type { PrivateItem, PrivateSession, WsPrivateOptions, WsPrivateServer } from './ws-private-server.js';
import type { PublicServerDeps, WsPublicServer } from './ws-public-server.js';
import type { WsServer, WsSession } from './ws-server.js';

/** Kraken: heartbeat about once a second on an idle subscribed connection (docs/kraken-protocol.md §1.5). */
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

/** The counters every server has. */
export interface WsServerStats {
  connections: number;
  connectionsTotal: number;
  subscriptions: number;
  framesSent: number;
  framesDropped: number;
  badInput: number;
}

export interface WsStats {
  public: WsServerStats & { stalledChanges: number; garbageSent: number };
  private: WsServerStats & { ordersReceived: number; ordersRejected: number };
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

/** What a version's public and private servers are built from. */
export function serverDeps(deps: WsAttachDeps): { pub: PublicServerDeps; priv: WsPrivateOptions } {
  const { timing, onDislocationFrameWritten: extra } = deps;
  return {
    pub: {
      market: deps.market,
      faults: deps.faults,
      systemStatus: () => deps.venue.systemStatus(),
      nowMs: deps.nowMs ?? (() => performance.now()),
      maxBufferedBytes: deps.maxBufferedBytes,
      // The timing registry and the caller's hook both hear "first dislocation frame written".
      onDislocationFrameWritten:
        timing === undefined && extra === undefined
          ? undefined
          : (id, ns) => {
              timing?.frameWritten(id, ns);
              extra?.(id, ns);
            },
    },
    priv: { venue: deps.venue, faults: deps.faults, timing, maxBufferedBytes: deps.maxBufferedBytes },
  };
}

const serverStats = (s: WsServer<WsSession>, subscriptions: number): WsServerStats => ({
  connections: s.sessions.size,
  connectionsTotal: s.connectionsTotal,
  subscriptions,
  framesSent: s.out.framesSent,
  framesDropped: s.out.framesDropped,
  badInput: s.badInput,
});

export function attachWsServers(server: Server, deps: WsAttachDeps, servers: WsServerPair): WsHandle {
  const { pub, priv, publicPath, privatePath } = servers;
  const router = deps.router ?? upgradeRouterFor(server);
  routeBoth(router, servers);

  const offChange = deps.market.onChange((change) => {
    pub.injectGarbageIfAsked();
    pub.feed.onChange(change);
  });

  const dropConnections = (which: DropTarget): void => {
    if (which !== 'private') pub.dropAll();
    if (which !== 'public') priv.dropAll();
  };
  const offDrop = deps.faults.onDrop(dropConnections);
  const timers = startTimers(deps, servers);

  let closed: Promise<void> | null = null;
  return {
    dropConnections,
    stats: () => pairStats(servers),
    close() {
      if (closed !== null) return closed;
      timers.stop();
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

/** Both paths on the router, or neither: on failure the servers are released and the error rethrown. */
function routeBoth(router: ReturnType<typeof upgradeRouterFor>, servers: WsServerPair): void {
  const { pub, priv, publicPath, privatePath } = servers;
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
}

/** The system-status poll (announces changes, paces garbage frames) and the heartbeat tick. */
function startTimers(deps: WsAttachDeps, servers: WsServerPair): { stop(): void } {
  const { pub, priv } = servers;
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
  return {
    stop() {
      clearInterval(poll);
      clearInterval(tick);
    },
  };
}

function pairStats(servers: WsServerPair): ReturnType<WsHandle['stats']> {
  const { pub, priv } = servers;
  return {
    public: {
      ...serverStats(pub, pub.feed.subscriptions),
      stalledChanges: pub.feed.stalledChanges,
      garbageSent: pub.garbageSent,
    },
    private: {
      ...serverStats(priv, priv.subscriptions),
      ordersReceived: priv.ordersReceived,
      ordersRejected: priv.ordersRejected,
    },
  };
}
