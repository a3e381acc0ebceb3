/**
 * The one base of every error kraken-arb throws on purpose (the undici pattern): a stable,
 * machine-readable `code` (what happened, e.g. `KRAKEN_TIMEOUT`) and a `kind` (whose problem it
 * is), so callers, logs and alerts can sort errors without matching message text. Messages stay
 * for humans and never carry a secret (an API key, secret, token or signature).
 *
 * Pure (no Node APIs) so src/core may use it too.
 */

/**
 * - config: the configuration or input given at start is wrong; fix it and start again.
 * - protocol: bytes on the wire (Kraken's or ours) do not have the documented shape.
 * - venue: Kraken answered with an error, or the fate of an order at Kraken is not known.
 * - io: the network, a socket or the disk failed.
 * - internal: a broken invariant of this program (a layout, a buffer, a lock).
 */
export type AppErrorKind = 'config' | 'protocol' | 'venue' | 'io' | 'internal';

export abstract class AppError extends Error {
  abstract readonly code: string;
  abstract readonly kind: AppErrorKind;
}
