/**
 * Capped exponential backoff with jitter, for retryable REST errors. Half the delay is fixed and
 * half random ("equal jitter"), so clients that failed together do not retry together, yet never
 * retry with zero pause.
 */
export interface BackoffPolicy {
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 5_000 };

/** Delay before retry number `attempt` (1 = first retry); `random` in [0, 1). */
export function backoffDelayMs(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(exp / 2 + (exp / 2) * r);
}
