/**
 * One running system under test: the in-process simulator and the program's child process, with
 * what a test reads (stdout/stderr, log records, journal, summary, the simulator's control API and
 * statistics) and waits on (conditions with a deadline, never fixed sleeps).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningSimulator } from '../../src/sim/simulator.js';
import type { SimMarketModel } from '../../src/sim/market/market.js';
import type { DislocationRequest } from '../../src/sim/market/dislocations.js';
import { readJournal } from '../../src/journal/journal-reader.js';
import type { JournalRecord } from '../../src/journal/journal-record.js';

const POLL_MS = 25;
/** SIGTERM first; SIGKILL if the child has not exited this long after it. */
const KILL_GRACE_MS = 3_000;
const OUTPUT_CAP_CHARS = 2_000_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class SystemRun {
  readonly market: SimMarketModel;
  readonly exited: Promise<Exit>;
  exit: Exit | null = null;
  /** Dislocations go round the coins, so a coin still frozen by the last one is not asked again. */
  private nextCoin = 0;
  private out = '';
  private err = '';

  constructor(
    readonly sim: RunningSimulator,
    readonly child: ChildProcess,
    readonly root: string,
    readonly dirs: { log: string; journal: string; metrics: string },
    readonly wsApi: 'v1' | 'v2' = 'v1',
    private readonly ownsSim = true,
  ) {
    this.market = sim.market as SimMarketModel;
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      if (this.out.length < OUTPUT_CAP_CHARS) this.out += d;
    });
    child.stderr?.on('data', (d: string) => {
      if (this.err.length < OUTPUT_CAP_CHARS) this.err += d;
    });
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  get running(): boolean {
    return this.exit === null;
  }

  /** What a failure message needs to be diagnosable. */
  describe(): string {
    return `\n--- stdout (tail) ---\n${this.out.slice(-3000)}\n--- stderr (tail) ---\n${this.err.slice(-3000)}`;
  }

  journal(): JournalRecord[] {
    if (!existsSync(this.dirs.journal)) return [];
    return readJournal(this.dirs.journal, { onWarning: () => undefined });
  }

  /** The program's log records (JSON lines); a line still being written is skipped. */
  logRecords(): Array<Record<string, unknown>> {
    const out: Array<Record<string, unknown>> = [];
    if (!existsSync(this.dirs.log)) return out;
    for (const name of readdirSync(this.dirs.log).filter((n) => n.endsWith('.log'))) {
      for (const line of readFileSync(join(this.dirs.log, name), 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        try {
          out.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // a torn last line mid-write: read again on the next poll
        }
      }
    }
    return out;
  }

  logHas(pred: (r: Record<string, unknown>) => boolean): boolean {
    return this.logRecords().some(pred);
  }

  /** The *.summary.json written next to the log at shutdown. */
  summary(): Record<string, unknown> {
    const name = readdirSync(this.dirs.log).find((n) => n.endsWith('.summary.json'));
    if (name === undefined) throw new Error(`no *.summary.json in ${this.dirs.log}${this.describe()}`);
    return JSON.parse(readFileSync(join(this.dirs.log, name), 'utf8')) as Record<string, unknown>;
  }

  /** The control API (`/_sim/...`), as a client would use it. */
  async control(path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.sim.urls.control}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200)
      throw new Error(`control ${path} answered ${res.status}: ${JSON.stringify(parsed)}`);
    return parsed;
  }

  async faults(body: Record<string, unknown>): Promise<void> {
    await this.control('/faults', body);
  }

  /** The simulator's WebSocket statistics (connections, subscriptions, orders received...). */
  async wsStats(): Promise<WsStats> {
    const state = await this.control('/state');
    const ws = state['ws'] as Record<'v1' | 'v2', WsStats | undefined>;
    const stats = ws[this.wsApi];
    if (stats === undefined) throw new Error(`the simulator reports no ${this.wsApi} WebSocket statistics`);
    return stats;
  }

  async waitFor(cond: () => boolean | Promise<boolean>, deadlineMs: number, what: string): Promise<void> {
    const end = Date.now() + deadlineMs;
    for (;;) {
      if (await cond()) return;
      if (Date.now() > end)
        throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}${this.describe()}`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  async waitExit(deadlineMs: number): Promise<Exit> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the program did not exit within ${deadlineMs} ms${this.describe()}`)),
        deadlineMs,
      );
    });
    try {
      return await Promise.race([this.exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Feeds of every listener online and the private socket subscribed (trade mode). */
  async waitReady(listeners: number, trade: boolean, deadlineMs = 20_000, feesFetched = true): Promise<void> {
    await this.waitFor(
      () => {
        const recs = this.logRecords();
        const online = new Set(recs.filter((r) => r['msg'] === 'feed online').map((r) => r['thread']));
        // Without credentials the fetcher never asks for fees: the fallback schedule is used.
        const fees = !feesFetched || recs.some((r) => r['msg'] === 'fees updated');
        const priv = !trade || recs.some((r) => r['msg'] === 'private socket open');
        return online.size >= listeners && fees && priv;
      },
      deadlineMs,
      'listeners online, fees fetched and (trade mode) the private socket open',
    );
    if (trade) {
      // v1: ownTrades + openOrders; v2: executions. The order entry reports ready only then.
      const channels = this.wsApi === 'v1' ? 2 : 1;
      await this.waitFor(
        async () => (await this.wsStats()).private.subscriptions >= channels,
        deadlineMs,
        'private subscriptions',
      );
    }
  }

  /** Trade ids of journaled intents, in journal order. */
  intents(): JournalRecord[] {
    return this.journal().filter((r) => r.kind === 'intent');
  }

  /**
   * Opens dislocations (one free coin after another, each given `retryMs` to be seen and traded)
   * until `done()` returns a value; returns it. `req` picks the direction and leg.
   */
  async dislocateUntil<T>(
    req: Omit<DislocationRequest, 'coin'>,
    done: () => T | undefined,
    deadlineMs: number,
    what: string,
    retryMs = 1_500,
  ): Promise<T> {
    const end = Date.now() + deadlineMs;
    while (Date.now() < end) {
      const coins = this.market.coins.length;
      let opened = null;
      for (let i = 0; i < coins && opened === null; i++)
        opened = this.market.dislocate({ ...req, coin: this.nextCoin++ % coins });
      const retryEnd = Math.min(end, Date.now() + retryMs);
      while (Date.now() < retryEnd) {
        const v = done();
        if (v !== undefined) return v;
        if (!this.running) throw new Error(`the program exited while waiting for ${what}${this.describe()}`);
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }
    throw new Error(`no ${what} within ${deadlineMs} ms of dislocations${this.describe()}`);
  }

  /** Dislocates until the journal shows a new intent; returns it. */
  async dislocateUntilIntent(
    req: Omit<DislocationRequest, 'coin'>,
    deadlineMs: number,
    retryMs = 1_500,
  ): Promise<JournalRecord> {
    const before = this.intents().length;
    return this.dislocateUntil(req, () => this.intents()[before], deadlineMs, 'new trade', retryMs);
  }

  /** The records of one trade, in order. */
  trade(tradeId: string): JournalRecord[] {
    return this.journal()
      .filter((r) => r.tradeId === tradeId)
      .sort((a, b) => a.seq - b.seq);
  }

  async waitOutcome(tradeId: string, deadlineMs: number): Promise<JournalRecord[]> {
    await this.waitFor(
      () => this.trade(tradeId).some((r) => r.kind === 'outcome'),
      deadlineMs,
      `the outcome of trade ${tradeId}`,
    );
    return this.trade(tradeId);
  }

  async dispose(): Promise<void> {
    if (this.running) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), KILL_GRACE_MS);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.ownsSim) await this.sim.stop();
    // SYSTEM_TEST_KEEP=1 keeps logs and journal for a post-mortem.
    if (process.env['SYSTEM_TEST_KEEP'] === '1')
      process.stderr.write(`system test files kept in ${this.root}\n`);
    else rmSync(this.root, { recursive: true, force: true });
  }
}

export interface WsStats {
  public: {
    connections: number;
    connectionsTotal: number;
    subscriptions: number;
    garbageSent: number;
    stalledChanges: number;
  };
  private: {
    connections: number;
    connectionsTotal: number;
    subscriptions: number;
    ordersReceived: number;
    ordersRejected: number;
  };
}
