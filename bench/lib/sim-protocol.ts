/** IPC messages between the benchmark and bench/sim-runner.ts (its own process). */

export interface SimRunnerOptions {
  seed?: number;
  coins?: number;
  updatesPerSecond?: number;
  dislocationBps?: number;
  dislocationLifetimeMs?: number;
}

export type ToSimRunner =
  | {
      cmd: 'dislocate';
      perSecond: number;
      count: number;
      /** Cycle over these coins; random coins when absent. */
      coins?: number[];
      /**
       * Random gaps instead of a fixed rate: each dislocation opens a uniformly random
       * [min, max] ms after the previous one (the regime users live in: seconds apart).
       */
      gapMs?: [number, number];
      direction?: 'usd-to-eur' | 'eur-to-usd';
    }
  | { cmd: 'stop-dislocating' }
  | { cmd: 'timing' }
  | { cmd: 'stats' }
  | { cmd: 'coins'; coins: number[] }
  | { cmd: 'stop' };

/** ns on the simulator's process.hrtime (CLOCK_MONOTONIC, shared by every process on the host). */
export interface TimingRow {
  id: number;
  pairIndex: number;
  openedNs: number;
  writtenNs: number | null;
  arrivedNs: number | null;
}

export interface CoinInfo {
  coin: number;
  usdPair: string;
  ordermin: number;
  lotDecimals: number;
  pairDecimals: number;
  fairUsd: number;
}

export interface SimReady {
  type: 'ready';
  urls: {
    rest: string;
    wsPublic: string;
    wsPrivate: string;
    control: string;
    wsPublicV2?: string;
    wsPrivateV2?: string;
  };
  apiKey: string;
  apiSecret: string;
  pairs: number;
  /** wsname of every pair, by the simulator's pair index. */
  pairNames: string[];
  coins: number;
  /** (performance.timeOrigin + performance.now()) − hrtime, µs: compared across processes to bound clock skew. */
  epochMinusMonoUs: number;
}

export type FromSimRunner =
  | SimReady
  | { type: 'dislocated'; opened: number; busy: number }
  | { type: 'timing'; rows: TimingRow[] }
  | {
      type: 'stats';
      market: Record<string, number>;
      counters: Record<string, number>;
      cpuUs: number;
      rssBytes: number;
    }
  | { type: 'coins'; coins: CoinInfo[] };
