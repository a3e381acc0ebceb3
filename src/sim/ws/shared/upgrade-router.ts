/**
 * Routes HTTP `upgrade` requests of one server by path, so several WebSocket attachers (v1 public and
 * private, v2, ...) share one port. The composition creates one router per server (or lets the first
 * attacher create it through `upgradeRouterFor`); each attacher registers its exact paths.
 * An upgrade for a path nobody registered is answered `404` and destroyed, never left hanging.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError } from '../../../core/app-error.js';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface UpgradeRouter {
  /** Registers `path` (exact match, query string ignored). Throws `WS_ROUTE_TAKEN` if already taken. */
  route(path: string, handler: UpgradeHandler): void;
  /** Removes `path` if it is registered (later upgrades to it get 404). */
  unroute(path: string): void;
  /** Registered paths, for diagnostics. */
  paths(): string[];
  /** Upgrades answered 404 because no handler matched. */
  readonly unknownPathCount: number;
  /** Detaches from the server (registered handlers are forgotten). */
  close(): void;
}

export class WsRouteError extends AppError {
  readonly kind = 'internal';
  constructor(
    readonly code: 'WS_ROUTE_TAKEN',
    message: string,
  ) {
    super(message);
    this.name = 'WsRouteError';
  }
}

const routers = new WeakMap<Server, UpgradeRouter>();

/** The one router of `server`, created on first use. */
export function upgradeRouterFor(server: Server): UpgradeRouter {
  const existing = routers.get(server);
  if (existing !== undefined) return existing;
  const created = createUpgradeRouter(server);
  return created;
}

/** Creates the router for `server` and listens for `upgrade`. A second call for the same server returns the first router. */
export function createUpgradeRouter(server: Server): UpgradeRouter {
  const existing = routers.get(server);
  if (existing !== undefined) return existing;
  const handlers = new Map<string, UpgradeHandler>();
  let unknown = 0;

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const handler = handlers.get(path);
    if (handler !== undefined) {
      handler(req, socket, head);
      return;
    }
    unknown++;
    // A plain HTTP answer, then close: the client sees "Unexpected server response: 404".
    socket.on('error', () => socket.destroy());
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  };
  server.on('upgrade', onUpgrade);

  const router: UpgradeRouter = {
    route(path, handler) {
      if (handlers.has(path))
        throw new WsRouteError('WS_ROUTE_TAKEN', `upgrade path already routed: ${path}`);
      handlers.set(path, handler);
    },
    unroute(path) {
      handlers.delete(path);
    },
    paths: () => [...handlers.keys()],
    get unknownPathCount() {
      return unknown;
    },
    close() {
      server.off('upgrade', onUpgrade);
      handlers.clear();
      routers.delete(server);
    },
  };
  routers.set(server, router);
  return router;
}
