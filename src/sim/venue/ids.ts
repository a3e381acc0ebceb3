/**
 * Deterministic identifiers for the simulator: Kraken-style order and trade ids
 * (`OXXXXX-XXXXX-XXXXXX`, 6-5-6 upper-case alphanumerics) and WebSocket tokens. A seeded PRNG keeps
 * runs reproducible: the same seed and the same order flow give the same ids.
 */

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const TOKEN_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
/** Kraken's tokens are 43 base64 characters (a 256-bit value without padding). */
const TOKEN_LENGTH = 43;

/** mulberry32: tiny, fast, good enough for ids (not for cryptography). */
export function createPrng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface IdGenerator {
  orderId(): string;
  tradeId(): string;
  token(): string;
}

export function createIdGenerator(seed: number): IdGenerator {
  // Separate streams so that issuing a token never shifts the order ids of a run.
  const idRand = createPrng(seed ^ 0x5eed1d5);
  const tokenRand = createPrng(seed ^ 0x70c3e);
  const used = new Set<string>();

  const chars = (rand: () => number, alphabet: string, n: number): string => {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)] ?? 'A';
    return s;
  };
  const kid = (prefix: string): string => {
    // Bounded: a collision among 36^16 values is astronomically rare; give up loudly rather than loop.
    for (let attempt = 0; attempt < 16; attempt++) {
      const id = `${prefix}${chars(idRand, ID_ALPHABET, 5)}-${chars(idRand, ID_ALPHABET, 5)}-${chars(idRand, ID_ALPHABET, 6)}`;
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
    throw new Error('SIM_ID_EXHAUSTED: could not draw a unique id');
  };
  return {
    orderId: () => kid('O'),
    tradeId: () => kid('T'),
    token: () => chars(tokenRand, TOKEN_ALPHABET, TOKEN_LENGTH),
  };
}

/** Matches a Kraken order id or trade id. */
export const KRAKEN_ID_RE = /^[OT][A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{6}$/;
