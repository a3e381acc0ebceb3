/**
 * Named counters of one simulator (requests, errors by Kraken string, bad input...), exposed by
 * GET /_sim/counters. A Map keyed by name: cheap, and every server can add its own names.
 */
export class SimCounters {
  private readonly m = new Map<string, number>();

  inc(name: string, n = 1): void {
    this.m.set(name, (this.m.get(name) ?? 0) + n);
  }

  get(name: string): number {
    return this.m.get(name) ?? 0;
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries([...this.m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
}
