/**
 * Reads and parses a REST request body: form-encoded (Kraken's default) or JSON. Bounded in size;
 * a bad body gets a clear EGeneral error instead of an exception.
 */
import type { IncomingMessage } from 'node:http';

/** Kraken's largest legitimate bodies (batch orders) are a few KiB. */
export const MAX_BODY_BYTES = 64 * 1024;

const JSON_NONCE_RE = /"nonce"\s*:\s*"?(\d+)"?/;

export type Params = Record<string, string>;

export type BodyResult =
  { ok: true; raw: string; params: Params; json: boolean } | { ok: false; error: string };

export function readBody(
  req: IncomingMessage,
): Promise<{ ok: true; raw: string } | { ok: false; error: string }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (r: { ok: true; raw: string } | { ok: false; error: string }): void => {
      if (done) return;
      done = true;
      resolve(r);
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        finish({ ok: false, error: 'EGeneral:Invalid arguments:body too large' });
        // Stop reading but let the response go out; the socket closes after it.
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => finish({ ok: true, raw: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () => finish({ ok: false, error: 'EGeneral:Invalid arguments:body' }));
  });
}

/** Scalars become strings (Kraken's params are strings); arrays become comma lists; objects are refused. */
function fromJson(raw: string): Params | undefined {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    // Malformed JSON is the client's error: reported to it, not thrown.
    return undefined;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const out: Params = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (typeof x === 'string') out[k] = x;
    else if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') out[k] = String(x);
    else if (Array.isArray(x) && x.every((e) => typeof e === 'string' || typeof e === 'number'))
      out[k] = x.join(',');
    else if (x !== null) return undefined;
  }
  return out;
}

export function parseParams(
  raw: string,
  contentType: string | undefined,
  query: URLSearchParams,
): BodyResult {
  const json = (contentType ?? '').toLowerCase().startsWith('application/json');
  const params: Params = {};
  for (const [k, v] of query) params[k] = v;
  if (raw.length === 0) return { ok: true, raw, params, json };
  if (json) {
    const p = fromJson(raw);
    if (p === undefined) return { ok: false, error: 'EGeneral:Invalid arguments:body is not a JSON object' };
    // A numeric nonce above 2^53 loses digits in JSON.parse; the signature covers the digits as sent.
    const m = JSON_NONCE_RE.exec(raw);
    if (m?.[1] !== undefined) p['nonce'] = m[1];
    return { ok: true, raw, params: { ...params, ...p }, json };
  }
  for (const [k, v] of new URLSearchParams(raw)) params[k] = v;
  return { ok: true, raw, params, json };
}
