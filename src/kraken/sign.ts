/**
 * Kraken REST request signing (pure). docs/kraken-protocol.md §4.3, docs.kraken.com/api/docs/guides/spot-rest-auth:
 *   API-Sign = base64( HMAC-SHA512( base64decode(secret), uriPath ‖ SHA256_raw(nonce + postData) ) )
 * `postData` is the exact body sent; `uriPath` starts at `/0/private/`.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { KrakenSecretError } from './errors.js';

const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decodes the API secret once, strictly: Buffer.from(_, 'base64') silently drops bad characters,
 * which would turn a mistyped secret into "EAPI:Invalid signature" far from the cause.
 * The error never contains the secret, only its length.
 */
export function decodeApiSecret(secret: string): Buffer {
  const trimmed = secret.trim();
  if (trimmed.length === 0) throw new KrakenSecretError('API secret is empty');
  if (!BASE64_RE.test(trimmed)) {
    throw new KrakenSecretError(`API secret is not valid base64 (${trimmed.length} characters)`);
  }
  return Buffer.from(trimmed, 'base64');
}

function secretKey(secret: string | Uint8Array): Uint8Array {
  if (typeof secret === 'string') return decodeApiSecret(secret);
  if (secret.length === 0) throw new KrakenSecretError('API secret is empty');
  return secret;
}

/**
 * Computes API-Sign. `secret` is the base64 text from Kraken or, better, the bytes from decodeApiSecret.
 * `nonce` must be the same digits that appear as `nonce=` in `postData`.
 */
export function signRequest(
  uriPath: string,
  nonce: string | bigint,
  postData: string,
  secret: string | Uint8Array,
): string {
  const digest = createHash('sha256').update(`${nonce}${postData}`, 'utf8').digest();
  return createHmac('sha512', secretKey(secret))
    .update(Buffer.from(uriPath, 'utf8'))
    .update(digest)
    .digest('base64');
}

/**
 * Checks an API-Sign header (used by the simulator and test servers). Constant-time compare;
 * returns false (never throws) on a malformed signature; throws KrakenSecretError on a bad secret.
 */
export function verifySignature(
  uriPath: string,
  nonce: string | bigint,
  postData: string,
  secret: string | Uint8Array,
  apiSign: string,
): boolean {
  const expected = Buffer.from(signRequest(uriPath, nonce, postData, secret), 'base64');
  if (!BASE64_RE.test(apiSign)) return false;
  const given = Buffer.from(apiSign, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Extracts the nonce from a private request body (form-encoded or JSON), as the digits sent.
 * Returns null when there is none. Helps servers verify signatures.
 */
export function extractNonce(postData: string, contentType: string | undefined): string | null {
  if (contentType !== undefined && contentType.toLowerCase().startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(postData);
      if (typeof parsed !== 'object' || parsed === null) return null;
      const nonce = (parsed as Record<string, unknown>)['nonce'];
      if (typeof nonce === 'string' || typeof nonce === 'number') return String(nonce);
      return null;
    } catch {
      // Not JSON although declared so: the caller answers EAPI:Invalid nonce / bad request.
      return null;
    }
  }
  return new URLSearchParams(postData).get('nonce');
}
