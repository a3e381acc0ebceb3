/**
 * `npm run soak:money [-- --minutes 30]`: the money-safety soak. The real program trades against the
 * simulator (in this process, so its venue is the ground truth) for the given time while random
 * faults hit it — acks delayed up to 30 s, private sockets dropped, orders held at the venue,
 * rejects, REST rate-limited for a while, thin books — and once, half-way, it is killed with
 * SIGKILL and restarted on the same journal. At the end it is stopped, started once more if the
 * journal still has trades in doubt (the restart recovery settles them), and the books are compared
 * per asset: the venue's balance changes, `npm run report -- --json`'s balanceChange, and the
 * journal's fills against each venue order. Prints the comparison, writes it to
 * bench/results/money-soak-<date>.md, and exits 1 on any disagreement beyond float formatting.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startSimulator, type RunningSimulator } from '../src/sim/simulator.js';
import { readJournal } from '../src/journal/journal-reader.js';
import { findUnfinishedTrades } from '../src/journal/unfinished-trades.js';
import { DEFAULT_SIM, startSystem, type SystemRun } from '../test/system/harness.js';
import { distPath } from '../test/helpers/project-root.js';

/** Relative tolerance, to the gross amount of the asset that moved: float summation only. */
const REL_TOL = 1e-9;
const FAULT_EVERY_MS: readonly [number, number] = [15_000, 35_000];

interface Args {
  minutes: number;
  wsApi: 'v1' | 'v2';
  seed: number;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { minutes: 30, wsApi: 'v1', seed: 1 };
  for (let i = 0; i < argv.length; i++) {
    const x = argv[i];
    if (x === '--minutes') a.minutes = Number(argv[++i]);
    else if (x === '--ws-api') a.wsApi = argv[++i] === 'v2' ? 'v2' : 'v1';
    else if (x === '--seed') a.seed = Number(argv[++i]);
    else
      throw new Error(
        `unknown argument ${x}\nusage: npm run soak:money -- [--minutes 30] [--ws-api v1|v2] [--seed 1]`,
      );
  }
  if (!(a.minutes > 0) || !Number.isInteger(a.seed))
    throw new Error('--minutes must be > 0, --seed an integer');
  return a;
}

/** A small deterministic PRNG (mulberry32), so a soak can be replayed by its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** One fault, applied now; returns its description. Lasting faults are undone by `undo` later. */
function injectFault(sim: RunningSimulator, rnd: () => number, undo: Array<() => void>): string {
  const f = sim.faults;
  const pick = Math.floor(rnd() * 6);
  switch (pick) {
    case 0: {
      const ms = Math.round(2_000 + rnd() * 28_000);
      f.ackDelayMs = ms;
      undo.push(() => (f.ackDelayMs = 0));
      return `acks delayed ${ms} ms`;
    }
    case 1:
      f.dropConnections('private');
      return 'private sockets dropped';
    case 2: {
      const ms = Math.round(1_000 + rnd() * 11_000);
      f.delayNextOrderMs = ms;
      return `next order held ${ms} ms at the venue`;
    }
    case 3: {
      const e = ['EOrder:Insufficient funds', 'EService:Unavailable', 'EGeneral:Internal error'][
        Math.floor(rnd() * 3)
      ] as string;
      f.rejectNextOrder = e;
      return `next order rejected: ${e}`;
    }
    case 4:
      f.rateLimited = true;
      undo.push(() => (f.rateLimited = false));
      return 'REST rate-limited';
    default: {
      const cap = 0.001 + rnd() * 0.01;
      f.fillCapNextOrder = cap;
      return `next order fills at most ${cap.toFixed(4)}`;
    }
  }
}

interface Comparison {
  rows: Array<{ asset: string; venue: number; report: number; ok: boolean }>;
  ordersChecked: number;
  orderMismatches: string[];
}

/** Venue balance change vs report --json balanceChange per asset; journal fills vs each venue order. */
function compare(sim: RunningSimulator, before: Map<string, number>, journalDir: string): Comparison {
  const out = execFileSync(
    process.execPath,
    [distPath('src', 'journal', 'report-cli.js'), '--json', '--dir', journalDir],
    {
      encoding: 'utf8',
    },
  );
  const report = JSON.parse(out) as { balanceChange: Record<string, number> };
  const after = new Map([...sim.venue.balances(sim.apiKey)].map(([id, b]) => [id, b.balance]));
  const assets = new Set([...before.keys(), ...after.keys(), ...Object.keys(report.balanceChange)]);
  // Float noise grows with what moved, not with the net change: a coin priced at 0.0001 USD moves
  // millions of units per trade, and a net of zero carries ~1e-8 of summation error.
  const gross = new Map<string, number>();
  const addGross = (id: string, x: number): void => void gross.set(id, (gross.get(id) ?? 0) + Math.abs(x));
  for (const o of sim.venue.closedOrders(sim.apiKey)) {
    const pair = sim.market.pairs[o.pairIndex];
    if (pair === undefined) continue;
    addGross(pair.baseId, o.volExec);
    addGross(pair.quoteId, o.cost);
  }
  const rows: Comparison['rows'] = [];
  for (const asset of [...assets].sort()) {
    const venue = (after.get(asset) ?? 0) - (before.get(asset) ?? 0);
    const rep = report.balanceChange[asset] ?? 0;
    const scale = Math.max(1, Math.abs(venue), Math.abs(rep), gross.get(asset) ?? 0);
    if (venue === 0 && rep === 0) continue;
    rows.push({ asset, venue, report: rep, ok: Math.abs(venue - rep) <= REL_TOL * scale });
  }
  // Each executed venue order: the journal's fills of that txid sum to its volume, cost and fee.
  const records = readJournal(journalDir, { onWarning: () => undefined });
  const byTxid = new Map<string, { volume: number; cost: number; fee: number }>();
  const seen = new Set<string>();
  for (const r of records) {
    if (r.kind !== 'fill' && r.kind !== 'sell-fill') continue;
    const key = `${r.kind}:${String(r['fillId'])}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const a = byTxid.get(String(r['txid'])) ?? { volume: 0, cost: 0, fee: 0 };
    a.volume += Number(r['volume']);
    a.cost += Number(r['cost'] ?? Number(r['price']) * Number(r['volume']));
    a.fee += Number(r['fee'] ?? 0);
    byTxid.set(String(r['txid']), a);
  }
  const orderMismatches: string[] = [];
  let ordersChecked = 0;
  for (const o of sim.venue.closedOrders(sim.apiKey)) {
    if (o.volExec === 0) continue;
    ordersChecked++;
    const j = byTxid.get(o.txid);
    const near = (x: number, y: number): boolean => Math.abs(x - y) <= REL_TOL * Math.max(1, Math.abs(y));
    if (j === undefined || !near(j.volume, o.volExec) || !near(j.cost, o.cost) || !near(j.fee, o.fee))
      orderMismatches.push(
        `${o.txid} ${o.type}: venue ${o.volExec}/${o.cost}/${o.fee}, journal ${JSON.stringify(j)}`,
      );
    byTxid.delete(o.txid);
  }
  for (const txid of byTxid.keys()) orderMismatches.push(`${txid}: journaled fills the venue never made`);
  return { rows, ordersChecked, orderMismatches };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const rnd = prng(args.seed);
  const cleanups: Array<() => Promise<void> | void> = [];
  const t = { after: (fn: () => Promise<void> | void) => cleanups.push(fn) };
  const sim = await startSimulator({ ...DEFAULT_SIM, seed: args.seed, dislocationsPerMinute: 20 });
  const journalDir = mkdtempSync(join(tmpdir(), 'kraken-arb-money-soak-'));
  const before = new Map([...sim.venue.balances(sim.apiKey)].map(([id, b]) => [id, b.balance]));
  const env = {
    MAX_TRADES_PER_MINUTE: '1000',
    MAX_DAILY_LOSS: '1000000',
    MAX_CONSECUTIVE_FAILURES: '1000',
  };
  const start = (seconds: number): Promise<SystemRun> =>
    startSystem(t, {
      args: ['--trade', '--duration', String(seconds)],
      sharedSim: sim,
      journalDir,
      env,
      wsApi: args.wsApi,
    });
  const log: string[] = [];
  const say = (s: string): void => {
    const line = `${new Date().toISOString()} ${s}`;
    log.push(line);
    console.log(line);
  };
  try {
    const totalMs = args.minutes * 60_000;
    const endAt = Date.now() + totalMs;
    let run = await start(Math.ceil(totalMs / 1000) + 60);
    await run.waitReady(2, true, 60_000);
    say(`soak started: ${args.minutes} min, ${args.wsApi}, seed ${args.seed}, journal ${journalDir}`);
    let killed = false;
    const undo: Array<() => void> = [];
    while (Date.now() < endAt) {
      const [lo, hi] = FAULT_EVERY_MS;
      await sleep(lo + rnd() * (hi - lo));
      for (const u of undo.splice(0)) u();
      if (Date.now() >= endAt) break;
      if (!killed && Date.now() > endAt - totalMs / 2) {
        killed = true;
        run.child.kill('SIGKILL');
        await run.waitExit(20_000);
        say('program killed (SIGKILL); restarting on the same journal');
        run = await start(Math.ceil((endAt - Date.now()) / 1000) + 60);
        await run.waitReady(2, true, 120_000);
        continue;
      }
      say(`fault: ${injectFault(sim, rnd, undo)}`);
    }
    for (const u of undo.splice(0)) u();
    sim.faults.reset();
    run.child.kill('SIGTERM');
    await run.waitExit(120_000);
    say('program stopped (SIGTERM)');
    const open = findUnfinishedTrades(readJournal(journalDir, { onWarning: () => undefined }));
    if (open.length > 0) {
      say(`${open.length} trade(s) still in doubt: one more start to settle them`);
      const settle = await start(30);
      await settle.waitExit(150_000);
    }
    // Held orders still queued at the venue land within their hold (≤ 12 s).
    await sleep(13_000);
    const c = compare(sim, before, journalDir);
    const records = readJournal(journalDir, { onWarning: () => undefined });
    const outcomes = new Map<string, string>();
    for (const r of records) if (r.kind === 'outcome') outcomes.set(r.tradeId, String(r['status']));
    const byStatus: Record<string, number> = {};
    for (const s of outcomes.values()) byStatus[s] = (byStatus[s] ?? 0) + 1;
    const ok = c.rows.every((r) => r.ok) && c.orderMismatches.length === 0;
    const lines = [
      `# Money-safety soak, ${new Date().toISOString().slice(0, 10)}`,
      '',
      `Command: \`npm run soak:money -- --minutes ${args.minutes} --ws-api ${args.wsApi} --seed ${args.seed}\``,
      '',
      `Trades: ${outcomes.size} (${Object.entries(byStatus)
        .map(([k, v]) => `${k} ${v}`)
        .join(
          ', ',
        )}); venue orders executed and checked against the journal: ${c.ordersChecked}; unfinished trades left: ${findUnfinishedTrades(records).length}`,
      '',
      '| asset | venue balance change | report --json balanceChange | agree |',
      '|---|---|---|---|',
      ...c.rows.map((r) => `| ${r.asset} | ${r.venue} | ${r.report} | ${r.ok ? 'yes' : 'NO'} |`),
      '',
      c.orderMismatches.length === 0
        ? 'Every executed venue order matches its journaled fills.'
        : `Order mismatches:\n${c.orderMismatches.map((m) => `- ${m}`).join('\n')}`,
      '',
      `Result: ${ok ? 'the journal, the report and the venue agree on every asset' : 'DISAGREEMENT'}`,
      '',
      '## Events',
      '',
      ...log.map((l) => `- ${l}`),
      '',
    ];
    const text = lines.join('\n');
    console.log(`\n${text}`);
    const dir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `money-soak-${new Date().toISOString().slice(0, 10)}.md`);
    writeFileSync(file, text);
    console.log(`written to ${file}`);
    return ok ? 0 : 1;
  } finally {
    for (const c of cleanups.reverse()) await c();
    await sim.stop();
    rmSync(journalDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exit(1);
  },
);
