/**
 * The WebSocket API versions the simulator serves, one row each: its two paths and how its servers
 * are attached (each version builds its public and private server; routing, timers, faults and
 * stats are shared: shared/attach-ws.ts). startSimulator attaches every row.
 */
import type { Server } from 'node:http';
import type { KrakenWsApi } from '../../kraken/endpoints.js';
import type { WsAttachDeps, WsHandle } from './shared/attach-ws.js';
import { attachWsV1, WS_V1_PRIVATE_PATH, WS_V1_PUBLIC_PATH } from './v1/attach.js';
import { attachWsV2, WS_V2_PRIVATE_PATH, WS_V2_PUBLIC_PATH } from './v2/attach.js';

export interface SimWsVersion {
  readonly publicPath: string;
  readonly privatePath: string;
  attach(server: Server, deps: WsAttachDeps): WsHandle;
}

export const SIM_WS_VERSIONS: Readonly<Record<KrakenWsApi, SimWsVersion>> = {
  v1: { publicPath: WS_V1_PUBLIC_PATH, privatePath: WS_V1_PRIVATE_PATH, attach: attachWsV1 },
  v2: { publicPath: WS_V2_PUBLIC_PATH, privatePath: WS_V2_PRIVATE_PATH, attach: attachWsV2 },
};
