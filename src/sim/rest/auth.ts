/**
 * Private-endpoint authentication exactly as Kraken (docs/kraken-protocol.md §4.3, §4.4): API-Key must be
 * known, API-Sign must verify over uriPath ‖ SHA256(nonce + exact body), and the nonce must be
 * strictly greater than the last accepted one for that key. The nonce only advances after the
 * signature verifies, so a forged request cannot burn a client's nonce.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { verifySignature } from '../../kraken/sign.js';
import type { Params } from './body.js';

const NONCE_RE = /^\d{1,20}$/;
const U64_MAX = (1n << 64n) - 1n;

export class NonceTracker {
  private readonly last = new Map<string, bigint>();
  /** True and recorded when `nonce` is greater than the last accepted one. */
  accept(apiKey: string, nonce: bigint): boolean {
    const prev = this.last.get(apiKey);
    if (prev !== undefined && nonce <= prev) return false;
    this.last.set(apiKey, nonce);
    return true;
  }
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

export function authenticate(
  headers: IncomingHttpHeaders,
  uriPath: string,
  raw: string,
  params: Params,
  secrets: ReadonlyMap<string, Buffer>,
  nonces: NonceTracker,
): { ok: true; apiKey: string } | { ok: false; error: string } {
  const apiKey = header(headers, 'api-key');
  if (apiKey === undefined || apiKey.length === 0) return { ok: false, error: 'EAPI:Invalid key' };
  const secret = secrets.get(apiKey);
  if (secret === undefined) return { ok: false, error: 'EAPI:Invalid key' };
  const nonceText = params['nonce'];
  if (nonceText === undefined || !NONCE_RE.test(nonceText)) return { ok: false, error: 'EAPI:Invalid nonce' };
  const nonce = BigInt(nonceText);
  if (nonce > U64_MAX) return { ok: false, error: 'EAPI:Invalid nonce' };
  const sign = header(headers, 'api-sign');
  if (sign === undefined || !verifySignature(uriPath, nonceText, raw, secret, sign)) {
    return { ok: false, error: 'EAPI:Invalid signature' };
  }
  if (!nonces.accept(apiKey, nonce)) return { ok: false, error: 'EAPI:Invalid nonce' };
  return { ok: true, apiKey };
}
