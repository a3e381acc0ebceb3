/**
 * Attaches the WS API v2 servers (public `/ws/v2/public`, private `/ws/v2/private`) to an HTTP
 * server; routing, timers, faults and stats are shared with v1 (../shared/attach-ws.ts). v2's own
 * wiring: venue fills feed the ticker `trades` channel. One row of the
 * versions table (../versions.ts).
 */
import type { Server } from 'node:http';
import { attachWsServers, serverDeps, type WsAttachDeps, type WsHandle } from '../shared/attach-ws.js';
import { V2PrivateServer } from './private-server.js';
import { V2PublicServer } from './public-server.js';

export const WS_V2_PUBLIC_PATH = '/ws/v2/public';
export const WS_V2_PRIVATE_PATH = '/ws/v2/private';

export function attachWsV2(server: Server, deps: WsAttachDeps): WsHandle {
  const o = serverDeps(deps);
  const pub = new V2PublicServer(o.pub);
  const priv = new V2PrivateServer(o.priv);
  // Every account's fills are the pair's public trades (ticker `trades` trigger, last/volume/vwap).
  const offTrades = deps.venue.onEvent((ev) => {
    if (ev.kind === 'trade')
      pub.feed.onTrade(ev.trade.pairIndex, ev.trade.price, ev.trade.vol, ev.trade.time);
  });
  return attachWsServers(server, deps, {
    pub,
    priv,
    publicPath: deps.publicPath ?? WS_V2_PUBLIC_PATH,
    privatePath: deps.privatePath ?? WS_V2_PRIVATE_PATH,
    detach: offTrades,
  });
}
