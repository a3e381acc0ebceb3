/**
 * Identical log lines (same level, thread, message and fields) repeated within a minute are
 * written once; the rest are counted and summarised when the minute ends ("… repeated 40 more
 * times in the last minute"). A failing dependency then costs one line a minute, not one per
 * attempt, and the log keeps its bound.
 */
export interface Repeated {
  /** The line's identity (its JSON without the time). */
  readonly key: string;
  /** How many were not written. */
  readonly count: number;
}

export class RepeatFilter {
  private counts = new Map<string, number>();
  private windowStart: number;

  constructor(
    readonly windowMs: number = 60_000,
    /** Distinct lines tracked per window; beyond it lines are written, not filtered. */
    private readonly maxKeys: number = 2_000,
    private readonly now: () => number = Date.now,
  ) {
    this.windowStart = now();
  }

  /** True when the line is to be written; false when it repeats one written this window. */
  admit(key: string): boolean {
    const seen = this.counts.get(key);
    if (seen !== undefined) {
      this.counts.set(key, seen + 1);
      return false;
    }
    if (this.counts.size < this.maxKeys) this.counts.set(key, 0);
    return true;
  }

  /** True once the current window is over (call drain()). */
  windowEnded(): boolean {
    return this.now() - this.windowStart >= this.windowMs;
  }

  /** Ends the window: the lines that were held back, with their counts. */
  drain(): Repeated[] {
    const out: Repeated[] = [];
    for (const [key, count] of this.counts) if (count > 0) out.push({ key, count });
    this.counts = new Map();
    this.windowStart = this.now();
    return out;
  }
}
