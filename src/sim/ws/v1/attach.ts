/**
 * Attaches the WS API v1 servers (public `/ws/v1/public`, private `/ws/v1/private`) to an HTTP
 * server; routing, timers, faults and stats are shared with v2 (../shared/attach-ws.ts). One row of
 * the versions table (../versions.ts).
 */
import type { Server } from 'node:http';
import { attachWsServers, serverDeps, type WsAttachDeps, type WsHandle } from '../shared/attach-ws.js';
import { V1PrivateServer } from './private-server.js';
import { V1PublicServer } from './public-server.js';

export const WS_V1_PUBLIC_PATH = '/ws/v1/public';
export const WS_V1_PRIVATE_PATH = '/ws/v1/private';

export function attachWsV1(server: Server, deps: WsAttachDeps): WsHandle {
  const o = serverDeps(deps);
  return attachWsServers(server, deps, {
    pub: new V1PublicServer(o.pub),
    priv: new V1PrivateServer(o.priv),
    publicPath: deps.publicPath ?? WS_V1_PUBLIC_PATH,
    privatePath: deps.privatePath ?? WS_V1_PRIVATE_PATH,
  });
}
