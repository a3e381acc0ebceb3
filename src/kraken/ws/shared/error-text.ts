/**
 * What Kraken's free-text error messages mean to the clients (v1 and v2 share the wording).
 * Kraken gives no error codes on WebSockets, so these patterns are the contract. The texts are
 * the ones live Kraken sends (test/corpus/, docs/kraken-protocol.md), not the docs' paraphrases.
 */

/** A subscribe answered "already subscribed" (e.g. after a retry): the subscription is live. */
export const ALREADY_SUBSCRIBED_RE = /already subscribed/i;
/**
 * The private session's token is expired, unknown or missing: fetch a new one and subscribe again.
 * Live: `ESession:Invalid session` (v1 and v2, expired or invalid token), `Token(s) not found`
 * (v2, request without a usable token); `EGeneral:Invalid arguments:token` (malformed token).
 */
export const SESSION_ERROR_RE = /^ESession:|invalid session|token/i;
/** v2 throttle errors arrive as failed acks (v1 has its own `Exceeded msg rate` frame). */
export const RATE_LIMIT_RE = /exceeded|rate limit/i;
