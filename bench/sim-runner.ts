/**
 * Bench-only simulator process (forked with IPC by bench/lib/sim-child.ts): the real simulator
 * (startSimulator) in its own process and event loop, plus what the benchmark needs and the CLI
 * does not offer:
 * - dislocations at a fixed, controlled rate (not Poisson), on random or chosen coins;
 * - the spread frames' Kraken timestamp restamped to the moment the change is handed to the WS
 *   server (epoch µs from performance.timeOrigin + performance.now(), the same clock the listener
 *   stamps its receive time with), so the system's own `kraken_ingestion_latency` metric measures
 *   simulator write → listener read. The market's own stamps are its schedule, up to a timer tick
 *   (≥ 1 ms) earlier than the write, which would hide the thing measured;
 * - the timing registry (bench/README.md) over IPC instead of JSON over HTTP.
 */
import { performance } from 'node:perf_hooks';
import type { BookChange, SimMarket } from '../src/sim/contracts.js';
import { createMarket, type SimMarketModel } from '../src/sim/market/market.js';
import { startSimulator, type RunningSimulator } from '../src/sim/simulator.js';
import type { SimRunnerOptions, ToSimRunner, FromSimRunner, TimingRow } from './lib/sim-protocol.js';

const send = (m: FromSimRunner): void => {
  process.send?.(m);
};

const nowEpochUs = (): number => performance.timeOrigin * 1000 + performance.now() * 1000;

/** Wraps the market so every change listener sees `ts` = now (write time), see the file comment. */
function restampingMarket(inner: SimMarketModel): SimMarket {
  const outer = Object.create(inner) as SimMarketModel;
  outer.onChange = (listener: (c: BookChange) => void) =>
    inner.onChange((c) => {
      c.ts = Math.round(nowEpochUs()) / 1e6;
      listener(c);
    });
  return outer;
}

async function main(): Promise<void> {
  const opts = JSON.parse(process.argv[2] ?? '{}') as SimRunnerOptions;
  const market = createMarket({
    seed: opts.seed ?? 1,
    coins: opts.coins,
    updatesPerSecond: opts.updatesPerSecond,
    dislocationsPerMinute: 0,
    dislocationBps: opts.dislocationBps ?? 80,
    dislocationLifetimeMs: opts.dislocationLifetimeMs ?? 300,
    dislocationLeg: 'buy',
    epochMs: performance.timeOrigin + performance.now(),
  });
  const sim: RunningSimulator = await startSimulator({
    market: restampingMarket(market),
    seed: opts.seed ?? 1,
    tier: 'pro',
    restTier: 'pro',
    dislocationLifetimeMs: opts.dislocationLifetimeMs ?? 300,
    balances: { ZUSD: 1e12, ZEUR: 1e12, USDT: 1e12 },
  });

  let timer: NodeJS.Timeout | null = null;
  let opened = 0;
  let busy = 0;
  const stopDislocating = (): void => {
    if (timer !== null) clearInterval(timer);
    timer = null;
  };
  // Deterministic gaps (mulberry32), so two systems measured in one run meet the same schedule.
  let gapSeed = 0x9e3779b9;
  const nextGap = ([lo, hi]: [number, number]): number => {
    gapSeed = (gapSeed + 0x6d2b79f5) >>> 0;
    let t = gapSeed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return lo + (((t ^ (t >>> 14)) >>> 0) / 4294967296) * (hi - lo);
  };
  /** One dislocation after each random gap, `count` in all (a busy coin is retried at once on the next). */
  const dislocateWithGaps = (
    gap: [number, number],
    count: number,
    coins: number[] | undefined,
    direction: 'usd-to-eur' | 'eur-to-usd' | undefined,
  ): void => {
    const step = (): void => {
      for (let tries = 0; tries < 16; tries++) {
        const coin = coins === undefined ? undefined : coins[(opened + busy) % coins.length];
        if (market.dislocate({ coin, direction }) !== null) {
          opened++;
          break;
        }
        busy++;
      }
      if (opened >= count) {
        timer = null;
        send({ type: 'dislocated', opened, busy });
        return;
      }
      timer = setTimeout(step, nextGap(gap));
    };
    timer = setTimeout(step, nextGap(gap));
  };

  process.on('message', (raw: unknown) => {
    const m = raw as ToSimRunner;
    switch (m.cmd) {
      case 'dislocate': {
        stopDislocating();
        opened = 0;
        busy = 0;
        if (m.gapMs !== undefined) {
          dislocateWithGaps(m.gapMs, m.count, m.coins, m.direction);
          return;
        }
        const periodMs = 1000 / m.perSecond;
        const startMs = performance.now();
        // Fixed cadence: each tick opens as many as are due, so timer jitter does not lower the rate.
        timer = setInterval(
          () => {
            const due = Math.floor((performance.now() - startMs) / periodMs) + 1;
            while (opened < due && opened < m.count) {
              const coin = m.coins === undefined ? undefined : m.coins[(opened + busy) % m.coins.length];
              const d = market.dislocate({ coin, direction: m.direction });
              if (d === null) {
                busy++;
                if (busy % 16 === 0) break;
                continue;
              }
              opened++;
            }
            if (opened >= m.count) {
              stopDislocating();
              send({ type: 'dislocated', opened, busy });
            }
          },
          Math.max(1, Math.floor(periodMs)),
        );
        return;
      }
      case 'stop-dislocating':
        stopDislocating();
        send({ type: 'dislocated', opened, busy });
        return;
      case 'timing': {
        const rows: TimingRow[] = sim.timing.records().map((r) => ({
          id: r.id,
          pairIndex: r.pairIndex,
          openedNs: Number(r.openedAtNs),
          writtenNs: r.firstFrameWrittenNs === null ? null : Number(r.firstFrameWrittenNs),
          arrivedNs: r.firstOrderArrivedNs === null ? null : Number(r.firstOrderArrivedNs),
        }));
        send({ type: 'timing', rows });
        return;
      }
      case 'stats': {
        const cpu = process.cpuUsage();
        send({
          type: 'stats',
          market: market.stats() as unknown as Record<string, number>,
          counters: sim.counters.snapshot() as unknown as Record<string, number>,
          cpuUs: cpu.user + cpu.system,
          rssBytes: process.memoryUsage.rss(),
        });
        return;
      }
      case 'coins': {
        const coins = m.coins.map((c) => {
          const coin = market.coins[c];
          const usd = coin === undefined ? undefined : market.pairs[coin.usdIndex];
          if (coin === undefined || usd === undefined) throw new Error(`E_BENCH_COIN: no coin ${c}`);
          return {
            coin: c,
            usdPair: usd.wsname,
            ordermin: usd.ordermin,
            lotDecimals: usd.lotDecimals,
            pairDecimals: usd.pairDecimals,
            fairUsd: market.fairPrice(coin.usdIndex),
          };
        });
        send({ type: 'coins', coins });
        return;
      }
      case 'stop':
        stopDislocating();
        void sim.stop().then(() => process.exit(0));
        return;
    }
  });
  process.on('disconnect', () => {
    stopDislocating();
    void sim.stop().then(() => process.exit(0));
  });
  send({
    type: 'ready',
    urls: sim.urls,
    apiKey: sim.apiKey,
    apiSecret: sim.apiSecret,
    pairs: market.pairs.length,
    pairNames: market.pairs.map((p) => p.wsname),
    coins: market.coins.length,
    epochMinusMonoUs: nowEpochUs() - Number(process.hrtime.bigint()) / 1000,
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench sim-runner: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
