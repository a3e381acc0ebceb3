/**
 * Starts a worker thread and restarts it when it dies unexpectedly, with capped backoff, so one
 * crashed listener does not stop the others. A clean stop asks the worker to finish, then terminates it.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { MainToWorker, WorkerToMain } from './messages.js';

const RESTART_BACKOFF_BASE_MS = 500;
const RESTART_BACKOFF_MAX_MS = 30_000;
const GRACEFUL_STOP_MS = 5_000;

export interface SupervisedWorkerOptions {
  name: string;
  file: URL;
  workerData: unknown;
  /** Extra worker options (resourceLimits, execArgv...). */
  options?: Omit<WorkerOptions, 'workerData'>;
  onMessage(message: WorkerToMain, name: string): void;
  onExit(info: {
    name: string;
    code: number;
    error: Error | null;
    restarting: boolean;
    restarts: number;
  }): void;
}

export class SupervisedWorker {
  private worker: Worker | null = null;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private lastError: Error | null = null;
  restarts = 0;

  constructor(private readonly opts: SupervisedWorkerOptions) {}

  start(): void {
    const worker = new Worker(this.opts.file, { ...this.opts.options, workerData: this.opts.workerData });
    this.worker = worker;
    this.lastError = null;
    worker.on('message', (m: WorkerToMain) => this.opts.onMessage(m, this.opts.name));
    worker.on('error', (err) => {
      this.lastError = err;
    });
    worker.on('exit', (code) => {
      if (this.worker === worker) this.worker = null;
      const restarting = !this.stopping;
      this.opts.onExit({
        name: this.opts.name,
        code,
        error: this.lastError,
        restarting,
        restarts: this.restarts,
      });
      if (restarting) {
        const delay = Math.min(
          RESTART_BACKOFF_MAX_MS,
          RESTART_BACKOFF_BASE_MS * 2 ** Math.min(this.restarts, 10),
        );
        this.restarts++;
        this.restartTimer = setTimeout(() => {
          this.restartTimer = null;
          if (!this.stopping) this.start();
        }, delay);
      }
    });
  }

  get name(): string {
    return this.opts.name;
  }

  get threadId(): number | null {
    return this.worker?.threadId ?? null;
  }

  /** For tests and fault drills: kill the worker as a crash would. */
  crash(): Promise<number> | null {
    return this.worker ? this.worker.terminate() : null;
  }

  post(message: MainToWorker): void {
    this.worker?.postMessage(message);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const worker = this.worker;
    if (!worker) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        void worker.terminate().then(() => resolve());
      }, GRACEFUL_STOP_MS);
      worker.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      worker.postMessage({ type: 'shutdown' } satisfies MainToWorker);
    });
  }
}
