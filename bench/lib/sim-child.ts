/** Starts bench/sim-runner.js in its own process and talks to it over IPC. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type {
  CoinInfo,
  FromSimRunner,
  SimReady,
  SimRunnerOptions,
  TimingRow,
  ToSimRunner,
} from './sim-protocol.js';

const READY_TIMEOUT_MS = 30_000;
const REPLY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export class SimChild {
  private readonly waiters: Array<{ type: string; resolve: (m: FromSimRunner) => void }> = [];
  readonly stderr: string[] = [];

  private constructor(
    readonly child: ChildProcess,
    readonly ready: SimReady,
  ) {
    child.on('message', (raw) => this.dispatch(raw as FromSimRunner));
  }

  /** `cpus`: start the simulator's process on these CPUs only (through taskset; see sim-placement.ts). */
  static async start(
    options: SimRunnerOptions,
    nodeArgs: readonly string[] = [],
    cpus: readonly number[] | null = null,
  ): Promise<SimChild> {
    const file = fileURLToPath(new URL('../sim-runner.js', import.meta.url));
    const pinned = cpus !== null && cpus.length > 0;
    const child = fork(file, [JSON.stringify(options)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      ...(pinned
        ? { execPath: 'taskset', execArgv: ['-c', cpus.join(','), process.execPath, ...nodeArgs] }
        : { execArgv: [...nodeArgs] }),
    });
    const stderr: string[] = [];
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      stderr.push(s);
      if (stderr.length > 50) stderr.shift();
    });
    const ready = await new Promise<SimReady>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`E_BENCH_SIM_START: simulator not ready in ${READY_TIMEOUT_MS} ms`));
      }, READY_TIMEOUT_MS);
      child.once('message', (m) => {
        clearTimeout(timer);
        resolve(m as SimReady);
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`E_BENCH_SIM_START: simulator exited (${code}): ${stderr.join('').slice(-500)}`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(new Error(`E_BENCH_SIM_START: simulator did not start: ${err.message}`));
      });
    });
    child.removeAllListeners('exit');
    child.removeAllListeners('error');
    const s = new SimChild(child, ready);
    s.stderr.push(...stderr);
    return s;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private dispatch(m: FromSimRunner): void {
    const i = this.waiters.findIndex((w) => w.type === m.type);
    if (i >= 0) {
      const [w] = this.waiters.splice(i, 1);
      w?.resolve(m);
    }
  }

  /** Resolves with the next message of `type` (registered before sending, so none is missed). */
  next<T extends FromSimRunner['type']>(
    type: T,
    timeoutMs = REPLY_TIMEOUT_MS,
  ): Promise<Extract<FromSimRunner, { type: T }>> {
    return new Promise((resolve, reject) => {
      const w = {
        type,
        resolve: (m: FromSimRunner) => {
          clearTimeout(timer);
          resolve(m as Extract<FromSimRunner, { type: T }>);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`E_BENCH_SIM_REPLY: no ${type} from the simulator in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  send(m: ToSimRunner): void {
    this.child.send(m);
  }

  async timing(): Promise<TimingRow[]> {
    const p = this.next('timing');
    this.send({ cmd: 'timing' });
    return (await p).rows;
  }

  async stats(): Promise<Extract<FromSimRunner, { type: 'stats' }>> {
    const p = this.next('stats');
    this.send({ cmd: 'stats' });
    return p;
  }

  async coins(coins: number[]): Promise<CoinInfo[]> {
    const p = this.next('coins');
    this.send({ cmd: 'coins', coins });
    return (await p).coins;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    try {
      this.send({ cmd: 'stop' });
    } catch {
      this.child.kill('SIGKILL');
    }
    await exited;
    clearTimeout(timer);
  }
}
