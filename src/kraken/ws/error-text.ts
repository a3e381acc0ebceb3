/**
 * What Kraken's free-text error messages mean to the clients (v1 and v2 share the wording).
 * Kraken gives no error codes on WebSockets, so these patterns are the contract.
 */

/** A subscribe answered "already subscribed" (e.g. after a retry): the subscription is live. */
export const ALREADY_SUBSCRIBED_RE = /already subscribed/i;
/** The session token is invalid or expired: fetch a new one. */
export const TOKEN_RE = /token/i;
/** v2 throttle errors arrive as failed acks (v1 has its own `Exceeded msg rate` frame). */
export const RATE_LIMIT_RE = /exceeded|rate limit/i;
