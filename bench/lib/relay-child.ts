/** Forks a bench client (floor relay, peer) that reports `{type:'ready'}` and answers `{cmd:'stop'}`. */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

export class RelayChild {
  private err = '';
  private constructor(readonly child: ChildProcess) {
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (s: string) => {
      this.err = (this.err + s).slice(-20_000);
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }
  get stderr(): string {
    return this.err;
  }

  /** `file` relative to dist/bench/. */
  static async start(file: string, options: unknown): Promise<RelayChild> {
    const path = fileURLToPath(new URL(`../${file}`, import.meta.url));
    const child = fork(path, [JSON.stringify(options)], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const r = new RelayChild(child);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `E_BENCH_CLIENT_START: ${file} not ready in ${READY_TIMEOUT_MS} ms: ${r.err.slice(-500)}`,
          ),
        );
      }, READY_TIMEOUT_MS);
      child.on('message', (m) => {
        if ((m as { type?: string }).type === 'ready') {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`E_BENCH_CLIENT_START: ${file} exited (${code}): ${r.err.slice(-800)}`));
      });
    });
    child.removeAllListeners('exit');
    return r;
  }

  /** Asks it to stop; resolves with its final report (or null). */
  async stop(): Promise<Record<string, unknown> | null> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return null;
    let report: Record<string, unknown> | null = null;
    this.child.on('message', (m) => {
      if ((m as { type?: string }).type === 'stopped') report = m as Record<string, unknown>;
    });
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    this.child.send({ cmd: 'stop' });
    await exited;
    clearTimeout(timer);
    return report;
  }
}
