/**
 * Test helpers: a simulator on 127.0.0.1:0 with the fake market, and a minimal signed REST client
 * written from docs/kraken-protocol.md §4.3 (independent of the server's verification code).
 */
import { createHash, createHmac } from 'node:crypto';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/sim/simulator.js';
import { createFakeMarket } from '../venue/fake-market.js';

export interface Envelope {
  error: string[];
  result?: unknown;
}

export async function startFakeSim(options: SimulatorOptions = {}): Promise<RunningSimulator> {
  return startSimulator({ market: createFakeMarket(), seed: 3, ...options });
}

export function sign(path: string, nonce: string, body: string, secret: string): string {
  const digest = createHash('sha256')
    .update(nonce + body)
    .digest();
  return createHmac('sha512', Buffer.from(secret, 'base64'))
    .update(Buffer.concat([Buffer.from(path), digest]))
    .digest('base64');
}

export async function publicCall(sim: RunningSimulator, method: string, query = ''): Promise<Envelope> {
  const r = await fetch(`${sim.urls.rest}/0/public/${method}${query === '' ? '' : `?${query}`}`);
  if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
  return (await r.json()) as Envelope;
}

let lastNonce = BigInt(Date.now()) * 1000n;
export function nextNonce(): string {
  lastNonce += 1n;
  return lastNonce.toString();
}

export interface PrivateOptions {
  key?: string;
  secret?: string;
  nonce?: string | null;
  json?: boolean;
  signature?: string;
}

export async function privateCall(
  sim: RunningSimulator,
  method: string,
  params: Record<string, string> = {},
  o: PrivateOptions = {},
): Promise<Envelope> {
  const path = `/0/private/${method}`;
  const nonce = o.nonce === undefined ? nextNonce() : o.nonce;
  const all = nonce === null ? params : { nonce, ...params };
  const body = o.json === true ? JSON.stringify(all) : new URLSearchParams(all).toString();
  const headers: Record<string, string> = {
    'API-Key': o.key ?? sim.apiKey,
    'API-Sign': o.signature ?? sign(path, nonce ?? '', body, o.secret ?? sim.apiSecret),
    'Content-Type': o.json === true ? 'application/json' : 'application/x-www-form-urlencoded',
  };
  const r = await fetch(`${sim.urls.rest}${path}`, { method: 'POST', headers, body });
  if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
  return (await r.json()) as Envelope;
}

export async function control(
  sim: RunningSimulator,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const r = await fetch(
    `${sim.urls.rest}/_sim/${path}`,
    body === undefined
      ? {}
      : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } },
  );
  return { status: r.status, json: await r.json() };
}

export function resultOf<T>(e: Envelope): T {
  if (e.error.length > 0) throw new Error(`unexpected error ${e.error.join(',')}`);
  return e.result as T;
}
