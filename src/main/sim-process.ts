/**
 * `--sim`: the Kraken simulator as a child process (its own event loop, as a real venue would be;
 * in trade mode it starts off the trader's CPU, main.ts), started with the CLI and read from its
 * single JSON "ready" line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/config.js';
import { EXIT_START_FAILED, fail as failStart } from './exit.js';

export interface SimEndpoints {
  rest: string;
  wsPublic: string;
  wsPrivate: string;
  wsPublicV2?: string;
  wsPrivateV2?: string;
  apiKey: string;
  apiSecret: string;
}

export interface SimProcess {
  endpoints: SimEndpoints;
  child: ChildProcess;
  stop(): Promise<void>;
}

const SIM_READY_TIMEOUT_MS = 20_000;
/**
 * All the simulator child inherits: it needs no setting of ours and must never see a real
 * credential (KRAKEN_SECRET, DB_PASSWORD, TELEGRAM_BOT_TOKEN...), so nothing else is passed.
 */
export const SIM_ENV_ALLOWED: readonly string[] = [
  'PATH',
  'HOME',
  'TMPDIR',
  'TZ',
  'LANG',
  'LC_ALL',
  'SYSTEMROOT',
];

export function simEnvironment(from: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of SIM_ENV_ALLOWED) {
    const v = from[name];
    if (v !== undefined) env[name] = v;
  }
  return env;
}
const SIM_STOP_TIMEOUT_MS = 5_000;

export function simCliPath(): string {
  return fileURLToPath(new URL('../sim/cli.js', import.meta.url));
}

export function startSimProcess(
  args: readonly string[],
  onStderr?: (line: string) => void,
): Promise<SimProcess> {
  // stdin is a pipe the simulator watches (--exit-with-parent): if this process dies, even by
  // SIGKILL, the pipe closes and the simulator stops instead of living on as an orphan.
  const child = spawn(process.execPath, [simCliPath(), '--exit-with-parent', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: simEnvironment(process.env),
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    let settled = false;
    const timer = setTimeout(
      () => fail(new Error(`simulator did not report ready within ${SIM_READY_TIMEOUT_MS} ms`)),
      SIM_READY_TIMEOUT_MS,
    );
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(err);
    };
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      for (const line of chunk.split('\n')) if (line.trim() !== '') onStderr?.(line);
    });
    child.on('error', (err) => fail(new Error(`simulator failed to start: ${err.message}`)));
    child.on('exit', (code, signal) =>
      fail(new Error(`simulator exited before it was ready (code ${code}, signal ${signal})`)),
    );
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      if (settled) return;
      stdout += chunk;
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      let endpoints: SimEndpoints;
      try {
        endpoints = JSON.parse(stdout.slice(0, nl)) as SimEndpoints;
        if (typeof endpoints.rest !== 'string' || typeof endpoints.wsPublic !== 'string')
          throw new Error('missing URLs');
      } catch (err) {
        fail(new Error(`simulator printed an unreadable ready line: ${(err as Error).message}`));
        return;
      }
      settled = true;
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve({ endpoints, child, stop: () => stopChild(child) });
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), SIM_STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** `--sim`: the simulator with the run's settings, or the start ends here; null without `--sim`. */
export async function startConfiguredSim(
  settings: Config['sim'],
  onStderr: (line: string) => void,
): Promise<SimProcess | null> {
  if (!settings.enabled) return null;
  const args = [
    '--port',
    '0',
    '--seed',
    String(settings.seed),
    '--coins',
    String(settings.coins),
    '--rate',
    String(settings.rate),
    '--dislocations',
    String(settings.dislocationsPerMin),
  ];
  return startSimProcess(args, onStderr).catch((err: Error) =>
    failStart(`Could not start the simulator: ${err.message}`, EXIT_START_FAILED),
  );
}
