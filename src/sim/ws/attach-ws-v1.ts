/**
 * Attaches the WS API v1 servers (public `/ws/v1/public`, private `/ws/v1/private`) to an HTTP
 * server; routing, timers, faults and stats are shared with v2 (attach-ws.ts).
 */
import type { Server } from 'node:http';
import { attachWsServers, serverDeps, type WsAttachDeps, type WsHandle, type WsStats } from './attach-ws.js';
import { V1PrivateServer } from './v1-private-server.js';
import { V1PublicServer } from './v1-public-server.js';

export { DEFAULT_HEARTBEAT_MS, DEFAULT_STATUS_POLL_MS } from './attach-ws.js';
export const WS_V1_PUBLIC_PATH = '/ws/v1/public';
export const WS_V1_PRIVATE_PATH = '/ws/v1/private';

export type WsV1Deps = WsAttachDeps;
export type WsV1Stats = WsStats;
export type WsV1Handle = WsHandle;

export function attachWsV1(server: Server, deps: WsV1Deps): WsV1Handle {
  const o = serverDeps(deps);
  return attachWsServers(server, deps, {
    pub: new V1PublicServer(o.pub),
    priv: new V1PrivateServer(o.priv),
    publicPath: deps.publicPath ?? WS_V1_PUBLIC_PATH,
    privatePath: deps.privatePath ?? WS_V1_PRIVATE_PATH,
  });
}
