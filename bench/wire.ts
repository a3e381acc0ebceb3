/**
 * Wire-to-wire (bench/README.md): the simulator opens dislocations at a fixed rate and stamps, on its
 * own monotonic clock, when it wrote the first frame showing each one and when the first order that
 * takes it arrived. Measured for the system (default wait and --spin, 1 and 6 listeners), the floor
 * relay and the peer, each against a fresh simulator with the same background feed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CpuWindow } from './lib/proc-stats.js';
import { RelayChild } from './lib/relay-child.js';
import { simPlacement } from './lib/sim-placement.js';
import { SimChild } from './lib/sim-child.js';
import { distribution, type Distribution } from './lib/stats.js';
import { SystemChild } from './lib/system-child.js';
import type { TimingRow, ToSimRunner } from './lib/sim-protocol.js';
import { HANDOFF_LINES } from '../src/engine/trade/handoff-lines.js';

export interface WireSettings {
  /** Measured dislocations wanted (5,000 full, 300 quick). */
  trades: number;
  /** Dislocations opened per second. */
  perSecond: number;
  /** Background book updates per second across all pairs. */
  feedPerSecond: number;
  warmup: number;
  /** No more top-up rounds after this long (quick mode must stay under three minutes). */
  maxMeasureS: number;
  runRoot: string;
  /** Run the systems under node --cpu-prof (profiles in <runDir>/prof). */
  cpuProf?: boolean;
}

/** Where the system's time goes, from its trade journal matched to the simulator's stamps. */
export interface WireBreakdown {
  matched: number;
  /** Consecutive stages from the frame's write to the order's read; their p50s roughly add up. */
  stages: WireStage[];
  /** The system's own path: listener receipt → buy handed to the socket, µs. */
  receiptToSent: { p50: number; p99: number; max: number };
}

export interface WireStage {
  name: string;
  /** µs */
  p50: number;
  p90: number;
  p99: number;
}

/** The stamps of one trade, all epoch µs on the system's clock (plus the simulator's two, converted). */
interface TradeStamps {
  recvUs: number;
  evalDoneUs: number;
  publishedUs: number;
  takenUs: number;
  sentUs: number;
}

/**
 * Names of the intervals between consecutive stamps: written, receipt, evaluated, published (the
 * listener's stamp as it puts the opportunity in the slot, after it woke the trader), taken, sent,
 * read. (The intent is journaled after the send: it is no longer on the path.)
 */
const STAGE_NAMES: readonly string[] = [
  'frame written → listener receipt',
  'receipt → evaluated',
  'evaluated → published to the slot',
  'published → taken by trader',
  'taken → order sent',
  'sent → order read by simulator',
];

export interface WireResult {
  name: string;
  opened: number;
  measured: number;
  missed: number;
  latencyUs: Distribution;
  /** Cores used by the measured process over the measured window (all threads). */
  cpuCores: number;
  detail: Record<string, unknown>;
  breakdown?: WireBreakdown;
  error?: string;
}

const WARMUP_ATTEMPTS = 5;
const MAX_TOP_UPS = 3;
const TRAILING_MS = 500;
/** Enough coins that one still busy with its last dislocation (refill, lifetime) is rare at 50/s. */
const FLOOR_COINS = Array.from({ length: 32 }, (_, i) => 20 + i);
/** The floor buys this much per order so one order takes the whole dislocated level (and it closes). */
const FLOOR_ORDER_USD = 100_000;
/** The floor's fixed limit: below every normal ask, above a dislocated one (≈ fees + edge below fair). */
const FLOOR_LIMIT_OF_FAIR = 0.99;

async function dislocate(
  sim: SimChild,
  count: number,
  perSecond: number,
  extra: Partial<Extract<ToSimRunner, { cmd: 'dislocate' }>>,
): Promise<void> {
  const done = sim.next('dislocated', (count / perSecond) * 1000 * 3 + 30_000);
  sim.send({ cmd: 'dislocate', perSecond, count, ...extra });
  await done;
  await new Promise((r) => setTimeout(r, TRAILING_MS));
}

/**
 * The regime users live in (issue #13): dislocations seconds apart (uniformly random gaps), the
 * shipped settings (POST_TRADE_PAUSE_MS 500, MAX_LOCAL_AGE_MS 1.5, so the trader's own freshness
 * check drops what it would drop live), risk limits that never stop the run. Both the system and
 * the floor relay meet the same deterministic gap schedule.
 */
export interface RealisticSettings {
  trades: number;
  gapMs: [number, number];
  feedPerSecond: number;
  runRoot: string;
  cpuProf?: boolean;
}

/** What the realistic system run also reports: the opportunities its freshness checks dropped. */
export interface StaleDrops {
  /** Dropped by the listener's own age check (stale when evaluated). */
  atListener: number;
  /** Fresh at the listener, stale by the time the trader took it: the number the aim wants at 0. */
  atTrader: number;
  /**
   * Where each such drop's time went, and each traded opportunity's whose hand-off took over half
   * the freshness budget, from the program's own log lines (at most one of each a second is logged
   * at info; the realistic regime's opportunities are seconds apart): so a run that deletes its
   * folder still says why.
   */
  handoffs: HandoffLine[];
}

/**
 * The fields a hand-off log line may carry beyond its stages (µs), copied when it has them:
 * - the hand-off split at the listener's publish stamp (the listener's part, then the trader's);
 * - how long the trader had been out of its park when it took (long: busy in an event-loop turn);
 * - the trader thread's GC pauses in the hand-off (evaluated → taken), and the µs they covered;
 * - the µs the trader thread was runnable but off its CPU, in a window of runQueueWindowUs around it.
 */
const HANDOFF_OPTIONAL_FIELDS = [
  'evaluatedToPublishedUs',
  'publishedToTakenUs',
  'unparkedToTakenUs',
  'gcPauses',
  'gcPausedUs',
  'runQueueWaitUs',
  'runQueueWindowUs',
] as const;

/** The fields of one hand-off log line (Trader's HANDOFF_LINES; µs). */
export type HandoffLine = {
  /** Dropped as stale (else traded after a slow hand-off). */
  dropped: boolean;
  receiptToEvaluatedUs: number;
  evaluatedToTakenUs: number;
} & Partial<Record<(typeof HANDOFF_OPTIONAL_FIELDS)[number], number>>;

/** Fast warm-up dislocations (balances, fees, private socket ready), then `trades` at random gaps. */
async function measureAtGaps(
  sim: SimChild,
  pid: number,
  s: RealisticSettings,
  extra: Partial<Extract<ToSimRunner, { cmd: 'dislocate' }>> = {},
): Promise<Omit<WireResult, 'name' | 'detail'> & { rows: TimingRow[] }> {
  let lastId = -1;
  for (let attempt = 0; attempt < WARMUP_ATTEMPTS; attempt++) {
    await dislocate(sim, 5, 2, extra);
    const rows = await sim.timing();
    lastId = rows.reduce((m, r) => Math.max(m, r.id), -1);
    if (rows.some((r) => r.arrivedNs !== null)) break;
    if (attempt === WARMUP_ATTEMPTS - 1)
      throw new Error('E_BENCH_NO_ORDERS: no order arrived during warm-up');
  }
  // Quiet before measuring, as before a live opportunity: let the warm-up trades' pauses end.
  await new Promise((r) => setTimeout(r, s.gapMs[0]));
  const cpu = new CpuWindow(pid);
  cpu.start();
  const meanGapS = (s.gapMs[0] + s.gapMs[1]) / 2000;
  await dislocate(sim, s.trades, 1 / meanGapS, { ...extra, gapMs: s.gapMs });
  const cpuCores = cpu.stop();
  const rows = (await sim.timing()).filter((r) => r.id > lastId);
  const lat: number[] = [];
  for (const r of rows)
    if (r.writtenNs !== null && r.arrivedNs !== null) lat.push((r.arrivedNs - r.writtenNs) / 1000);
  return {
    opened: rows.length,
    measured: lat.length,
    missed: rows.length - lat.length,
    latencyUs: distribution(lat),
    cpuCores,
    rows,
  };
}

/** A realistic run's setting besides the shipped ones. */
export interface RealisticVariant {
  /** TRADER_RT_PRIORITY (the trader thread under SCHED_FIFO; needs root or CAP_SYS_NICE, else the program says so and the row measures ordinary scheduling). */
  rtPriority?: number;
  /** TRADER_HOSTS_LISTENER=true: the listener runs in the trader's thread (no hand-off between threads). */
  hostedListener?: boolean;
  /** Listener threads (default 1, as issue #13's command; the program's own default is 6). */
  listeners?: number;
}

export async function runRealisticSystem(
  s: RealisticSettings,
  log: (l: string) => void,
  v: RealisticVariant = {},
): Promise<WireResult & { stale?: StaleDrops }> {
  const rt = v.rtPriority ?? 0;
  const hosted = v.hostedListener === true;
  const listeners = v.listeners ?? 1;
  const what = [
    ...(hosted ? ['listener in the trader thread (TRADER_HOSTS_LISTENER)'] : []),
    ...(rt > 0 ? [`trader real-time (TRADER_RT_PRIORITY=${rt})`] : []),
  ];
  const name =
    what.length > 0
      ? `realistic: system, ${what.join(', ')}, ${listeners} listener${listeners > 1 ? 's' : ''}, shipped settings`
      : `realistic: system default (wait), ${listeners} listener${listeners > 1 ? 's' : ''}, shipped settings`;
  log(`wire-to-wire: ${name} (${s.trades} dislocations ${s.gapMs[0] / 1000}–${s.gapMs[1] / 1000} s apart)`);
  const sim = await SimChild.start({ updatesPerSecond: s.feedPerSecond }, [], simPlacement().cpus);
  const runDir = join(
    s.runRoot,
    `wire-realistic${hosted ? '-hosted' : ''}${rt > 0 ? '-rt' : ''}${listeners > 1 ? `-${listeners}` : ''}`,
  );
  const nodeArgs = s.cpuProf
    ? ['--cpu-prof', '--cpu-prof-interval', '50', '--cpu-prof-dir', join(runDir, 'prof')]
    : [];
  const sys = SystemChild.start(sim.ready, {
    trade: true,
    spin: false,
    listeners,
    runDir,
    nodeArgs,
    env: {
      POST_TRADE_PAUSE_MS: '500',
      MAX_LOCAL_AGE_MS: '1.5',
      TRADER_RT_PRIORITY: String(rt),
      TRADER_HOSTS_LISTENER: String(hosted),
    },
  });
  try {
    await sys.waitFor(/upd\/s/, 60_000);
    const { rows, ...m } = await measureAtGaps(sim, sys.pid, s);
    const summary = await sys.stop();
    const breakdown = journalBreakdown(join(runDir, 'journal'), rows, sim.ready.epochMinusMonoUs);
    return { name, ...m, detail: { summary }, breakdown, stale: staleDrops(summary, join(runDir, 'logs')) };
  } catch (err) {
    return failed(name, err, { stderr: sys.stderr.slice(-1000) });
  } finally {
    await sys.stop();
    await sim.stop();
  }
}

export async function runRealisticFloor(s: RealisticSettings, log: (l: string) => void): Promise<WireResult> {
  const name = 'realistic: floor relay (wait), full feed';
  log(`wire-to-wire: ${name}`);
  const sim = await SimChild.start({ updatesPerSecond: s.feedPerSecond }, [], simPlacement().cpus);
  let relay: RelayChild | null = null;
  try {
    relay = await startFloorRelay(sim, false, true);
    const { rows: _rows, ...m } = await measureAtGaps(sim, relay.pid, s, {
      coins: FLOOR_COINS,
      direction: 'usd-to-eur',
    });
    const report = await relay.stop();
    return { name, ...m, detail: { report, coins: FLOOR_COINS.length } };
  } catch (err) {
    return failed(name, err, { stderr: relay?.stderr.slice(-1000) });
  } finally {
    await relay?.stop();
    await sim.stop();
  }
}

function staleDrops(summary: Record<string, unknown> | null, logDir: string): StaleDrops | undefined {
  const dropped = summary?.['dropped'] as
    { evaluation?: Record<string, number>; trader?: Record<string, number> } | undefined;
  if (dropped === undefined) return undefined;
  return {
    atListener: dropped.evaluation?.['stale_local'] ?? 0,
    atTrader: dropped.trader?.['staleAtTrader'] ?? 0,
    handoffs: handoffLines(logDir),
  };
}

/** The program's hand-off lines (stale drops, slow hand-offs) in `logDir`'s JSON-lines logs. */
export function handoffLines(logDir: string): HandoffLine[] {
  const out: HandoffLine[] = [];
  let files: string[];
  try {
    files = readdirSync(logDir).filter((f) => f.endsWith('.log'));
  } catch {
    return out;
  }
  const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
  for (const f of files)
    for (const line of readFileSync(join(logDir, f), 'utf8').split('\n')) {
      if (!line.includes(HANDOFF_LINES.stale) && !line.includes(HANDOFF_LINES.slowHandoff)) continue;
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue;
      }
      if (r['msg'] !== HANDOFF_LINES.stale && r['msg'] !== HANDOFF_LINES.slowHandoff) continue;
      const h: HandoffLine = {
        dropped: r['msg'] === HANDOFF_LINES.stale,
        receiptToEvaluatedUs: num(r['receiptToEvaluatedUs']) ?? Number.NaN,
        evaluatedToTakenUs: num(r['evaluatedToTakenUs']) ?? Number.NaN,
      };
      for (const k of HANDOFF_OPTIONAL_FIELDS) {
        const v = num(r[k]);
        if (v !== undefined) h[k] = v;
      }
      out.push(h);
    }
  return out;
}

/** Warm-up until at least one order arrives (the system has balances, fees and a private socket), then the measured run. */
async function measure(
  sim: SimChild,
  pid: number,
  s: WireSettings,
  extra: Partial<Extract<ToSimRunner, { cmd: 'dislocate' }>> = {},
): Promise<Omit<WireResult, 'name' | 'detail'> & { rows: TimingRow[] }> {
  let lastId = -1;
  for (let attempt = 0; attempt < WARMUP_ATTEMPTS; attempt++) {
    await dislocate(sim, s.warmup, s.perSecond, extra);
    const rows = await sim.timing();
    lastId = rows.reduce((m, r) => Math.max(m, r.id), -1);
    if (rows.some((r) => r.arrivedNs !== null)) break;
    if (attempt === WARMUP_ATTEMPTS - 1)
      throw new Error('E_BENCH_NO_ORDERS: no order arrived during warm-up');
  }
  const cpu = new CpuWindow(pid);
  cpu.start();
  const t0 = performance.now();
  let rows: TimingRow[] = [];
  let lat: number[] = [];
  // Top up until `trades` are measured (misses are common on a loaded box), within the time cap.
  for (let round = 0; ; round++) {
    const want = round === 0 ? s.trades : s.trades - lat.length;
    await dislocate(sim, Math.ceil(want * 1.1), s.perSecond, extra);
    rows = (await sim.timing()).filter((r) => r.id > lastId);
    lat = [];
    for (const r of rows)
      if (r.writtenNs !== null && r.arrivedNs !== null) lat.push((r.arrivedNs - r.writtenNs) / 1000);
    if (lat.length >= s.trades || round >= MAX_TOP_UPS || performance.now() - t0 > s.maxMeasureS * 1000)
      break;
  }
  const cpuCores = cpu.stop();
  return {
    opened: rows.length,
    measured: lat.length,
    missed: rows.length - lat.length,
    latencyUs: distribution(lat),
    cpuCores,
    rows,
  };
}

export async function runSystemWire(
  s: WireSettings,
  listeners: number,
  spin: boolean,
  log: (l: string) => void,
): Promise<WireResult> {
  const name = `system ${spin ? 'busy-poll (--spin)' : 'default (wait)'}, ${listeners} listener${listeners > 1 ? 's' : ''}`;
  log(`wire-to-wire: ${name}`);
  const sim = await SimChild.start({ updatesPerSecond: s.feedPerSecond }, [], simPlacement().cpus);
  const runDir = join(s.runRoot, `wire-${spin ? 'spin' : 'wait'}-${listeners}`);
  const nodeArgs = s.cpuProf
    ? ['--cpu-prof', '--cpu-prof-interval', '50', '--cpu-prof-dir', join(runDir, 'prof')]
    : [];
  const sys = SystemChild.start(sim.ready, { trade: true, spin, listeners, runDir, nodeArgs });
  try {
    await sys.waitFor(/upd\/s/, 60_000);
    const { rows, ...m } = await measure(sim, sys.pid, s);
    const summary = await sys.stop();
    const breakdown = journalBreakdown(join(runDir, 'journal'), rows, sim.ready.epochMinusMonoUs);
    return { name, ...m, detail: { summary }, breakdown };
  } catch (err) {
    return failed(name, err, { stderr: sys.stderr.slice(-1000) });
  } finally {
    await sys.stop();
    await sim.stop();
  }
}

/** `fullFeed`: the relay also subscribes to every other pair, so it reads the same feed as the system's listener. */
export async function runFloorWire(
  s: WireSettings,
  spin: boolean,
  fullFeed: boolean,
  log: (l: string) => void,
): Promise<WireResult> {
  const name = `floor relay ${spin ? '(busy-poll)' : '(wait)'}${fullFeed ? ', full feed' : ', 32 pairs'}`;
  log(`wire-to-wire: ${name}`);
  const sim = await SimChild.start({ updatesPerSecond: s.feedPerSecond }, [], simPlacement().cpus);
  let relay: RelayChild | null = null;
  try {
    relay = await startFloorRelay(sim, spin, fullFeed);
    const { rows: _rows, ...m } = await measure(sim, relay.pid, s, {
      coins: FLOOR_COINS,
      direction: 'usd-to-eur',
    });
    const report = await relay.stop();
    return { name, ...m, detail: { report, coins: FLOOR_COINS.length } };
  } catch (err) {
    return failed(name, err, { stderr: relay?.stderr.slice(-1000) });
  } finally {
    await relay?.stop();
    await sim.stop();
  }
}

/** The floor relay on the bench's floor coins; `fullFeed`: it also reads every other pair. */
async function startFloorRelay(sim: SimChild, spin: boolean, fullFeed: boolean): Promise<RelayChild> {
  const coins = await sim.coins(FLOOR_COINS);
  return RelayChild.start('floor-relay.js', {
    rest: sim.ready.urls.rest,
    wsPublic: sim.ready.urls.wsPublic,
    wsPrivate: sim.ready.urls.wsPrivate,
    apiKey: sim.ready.apiKey,
    apiSecret: sim.ready.apiSecret,
    spin,
    alsoWatch: fullFeed ? sim.ready.pairNames : [],
    pairs: coins.map((c) => ({
      wsname: c.usdPair,
      price: (c.fairUsd * FLOOR_LIMIT_OF_FAIR).toFixed(c.pairDecimals),
      volume: Math.max(c.ordermin, FLOOR_ORDER_USD / c.fairUsd).toFixed(c.lotDecimals),
    })),
  });
}

export async function runPeerWire(s: WireSettings, log: (l: string) => void): Promise<WireResult> {
  const name = 'peer (ccxt)';
  log(`wire-to-wire: ${name}`);
  const sim = await SimChild.start({ updatesPerSecond: s.feedPerSecond }, [], simPlacement().cpus);
  let peer: RelayChild | null = null;
  try {
    const { wsPublicV2, wsPrivateV2 } = sim.ready.urls;
    if (wsPublicV2 === undefined || wsPrivateV2 === undefined)
      throw new Error('E_BENCH_NO_V2: the simulator serves no WS v2 (ccxt needs it)');
    peer = await RelayChild.start('peer-client.js', {
      rest: sim.ready.urls.rest,
      wsPublicV2,
      wsPrivateV2,
      apiKey: sim.ready.apiKey,
      apiSecret: sim.ready.apiSecret,
    });
    const { rows: _rows, ...m } = await measure(sim, peer.pid, s);
    const report = await peer.stop();
    return { name, ...m, detail: { report } };
  } catch (err) {
    return failed(name, err, { stderr: peer?.stderr.slice(-1000) });
  } finally {
    await peer?.stop();
    await sim.stop();
  }
}

function failed(name: string, err: unknown, detail: Record<string, unknown>): WireResult {
  return {
    name,
    opened: 0,
    measured: 0,
    missed: 0,
    latencyUs: distribution([]),
    cpuCores: NaN,
    detail,
    error: err instanceof Error ? err.message : String(err),
  };
}

/**
 * Reads every trade's stamps from the journal: the intent record carries the listener's receipt and
 * evaluation stamps and the trader's take; the buy's order-sent record
 * carries when the socket write returned.
 */
function readTradeStamps(dir: string): TradeStamps[] | undefined {
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
  } catch {
    return undefined;
  }
  const byTrade = new Map<string, Partial<TradeStamps>>();
  for (const f of files) {
    for (const line of readFileSync(join(dir, f), 'utf8').split('\n')) {
      const intent = line.includes('"kind":"intent"');
      if (!intent && !line.includes('"kind":"order-sent"')) continue;
      let r: Record<string, unknown>;
      try {
        r = JSON.parse(line) as Record<string, unknown>;
      } catch {
        continue; // a torn last line of a journal being written: not a record
      }
      const id = String(r.tradeId);
      const t = byTrade.get(id) ?? {};
      if (intent) {
        t.recvUs = num(r.triggerRecvUs);
        t.evalDoneUs = num(r.evalDoneUs);
        t.publishedUs = num(r.publishedUs);
        t.takenUs = num(r.takenUs);
      } else if (t.sentUs === undefined && r.side === 'buy') t.sentUs = num(r.sentUs);
      byTrade.set(id, t);
    }
  }
  const out: TradeStamps[] = [];
  for (const t of byTrade.values()) {
    if ([t.recvUs, t.evalDoneUs, t.publishedUs, t.takenUs, t.sentUs].every((x) => Number.isFinite(x)))
      out.push(t as TradeStamps);
  }
  return out.sort((a, b) => a.recvUs - b.recvUs);
}

const num = (x: unknown): number => (typeof x === 'number' ? x : Number.NaN);

/**
 * Matches each measured dislocation to the trade whose triggering update the listener received
 * after the frame's write and whose buy was sent before the order's arrival, and splits the latency
 * at the stamps the system writes itself. Simulator hrtime → epoch µs with the offset the simulator
 * reported. A receipt can carry an earlier stamp than the frame's write: the simulator stamps the
 * write when its syscall returns, and over loopback that syscall delivers the frame and wakes the
 * reader, which may stamp its receipt first; the two processes' epoch clocks also differ by a few
 * µs. The match therefore allows MATCH_SLACK_US either side: far less than the gap between
 * dislocations (2–10 s realistic, 20 ms hot). A 50 µs slack dropped the fastest receipts (a third
 * of the trades in one run), and the stages came from a biased subset.
 */
const MATCH_SLACK_US = 1000;

function journalBreakdown(
  dir: string,
  rows: readonly TimingRow[],
  epochMinusMonoUs: number,
): WireBreakdown | undefined {
  const trades = readTradeStamps(dir);
  if (trades === undefined) return undefined;
  const samples: number[][] = STAGE_NAMES.map(() => []);
  const receiptToSent: number[] = [];
  let matched = 0;
  let k = 0;
  // The simulator credits an order to any dislocation still open on its pair: one nobody traded can
  // carry a later order's arrival. A trade received after the next dislocation's write is not its.
  let nextWriteUs = Infinity;
  const nextWrite: number[] = new Array<number>(rows.length);
  for (let i = rows.length - 1; i >= 0; i--) {
    nextWrite[i] = nextWriteUs;
    const wn = (rows[i] as TimingRow).writtenNs;
    if (wn !== null) nextWriteUs = wn / 1000 + epochMinusMonoUs;
  }
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as TimingRow;
    if (r.writtenNs === null || r.arrivedNs === null) continue;
    const w = r.writtenNs / 1000 + epochMinusMonoUs;
    const arr = r.arrivedNs / 1000 + epochMinusMonoUs;
    while (k < trades.length && (trades[k] as TradeStamps).recvUs < w - MATCH_SLACK_US) k++;
    const t = trades[k];
    if (t === undefined || t.recvUs > arr + MATCH_SLACK_US || t.sentUs > arr + MATCH_SLACK_US) continue;
    if (t.recvUs >= (nextWrite[i] as number)) continue;
    k++; // one trade per dislocation
    matched++;
    receiptToSent.push(t.sentUs - t.recvUs);
    const stamps = [w, t.recvUs, t.evalDoneUs, t.publishedUs, t.takenUs, t.sentUs, arr];
    for (let i = 0; i < STAGE_NAMES.length; i++)
      (samples[i] as number[]).push((stamps[i + 1] as number) - (stamps[i] as number));
  }
  const stages = STAGE_NAMES.map((name, i) => {
    const d = distribution(samples[i] as number[]);
    return { name, p50: Math.round(d.p50), p90: Math.round(d.p90), p99: Math.round(d.p99) };
  });
  const own = distribution(receiptToSent);
  return {
    matched,
    stages,
    receiptToSent: { p50: Math.round(own.p50), p99: Math.round(own.p99), max: Math.round(own.max) },
  };
}
