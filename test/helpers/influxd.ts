/**
 * Starts and stops a real InfluxDB 1.x server (`influxd`, Debian package `influxdb`) for tests:
 * temp dirs for meta/data/wal, both bind addresses on 127.0.0.1 with free ports, no reporting,
 * optional auth. The same handle can be stopped and started again on the same port and data, so a
 * test can take InfluxDB away mid-run and bring it back.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireProgram } from './prerequisites.js';

const influxdStartDeadlineMs = 20_000;
const influxdStopDeadlineMs = 10_000;
const pollIntervalMs = 50;

export interface InfluxQueryOptions {
  readonly db?: string;
  readonly user?: string;
  readonly password?: string;
  /** POST is required by InfluxDB for statements that change state (CREATE, DROP, SELECT INTO). */
  readonly method?: 'GET' | 'POST';
}

export interface InfluxSeries {
  readonly name: string;
  readonly tags?: Record<string, string>;
  readonly columns: string[];
  readonly values: unknown[][];
}

export interface InfluxStatementResult {
  readonly statement_id: number;
  readonly series?: InfluxSeries[];
  readonly error?: string;
}

export interface InfluxdServer {
  readonly host: string;
  readonly port: number;
  readonly url: string;
  readonly dir: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the server and deletes its temp dir. */
  dispose(): Promise<void>;
  query(q: string, opts?: InfluxQueryOptions): Promise<InfluxStatementResult[]>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface InfluxdOptions {
  readonly auth?: boolean;
  /** InfluxDB's `max-values-per-tag` (default 100,000): points that would add a tag value past it are refused. */
  readonly maxValuesPerTag?: number;
}

function config(dir: string, httpPort: number, rpcPort: number, o: InfluxdOptions): string {
  return [
    'reporting-disabled = true',
    `bind-address = "127.0.0.1:${rpcPort}"`,
    '[meta]',
    `  dir = "${join(dir, 'meta')}"`,
    '  logging-enabled = false',
    '[data]',
    `  dir = "${join(dir, 'data')}"`,
    `  wal-dir = "${join(dir, 'wal')}"`,
    '  query-log-enabled = false',
    ...(o.maxValuesPerTag === undefined ? [] : [`  max-values-per-tag = ${o.maxValuesPerTag}`]),
    '[monitor]',
    '  store-enabled = false',
    '[http]',
    '  enabled = true',
    `  bind-address = "127.0.0.1:${httpPort}"`,
    `  auth-enabled = ${o.auth === true ? 'true' : 'false'}`,
    '  log-enabled = false',
    '[continuous_queries]',
    '  enabled = true',
    '  log-enabled = false',
    '[logging]',
    '  level = "warn"',
    '',
  ].join('\n');
}

async function ping(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
    await res.arrayBuffer();
    return res.status === 204;
  } catch {
    return false; // not up yet: the caller polls until its deadline
  }
}

export async function waitFor(
  cond: () => boolean | Promise<boolean>,
  deadlineMs: number,
  what: string,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    if (await cond()) return;
    if (Date.now() > end) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollIntervalMs));
  }
}

export async function startInfluxd(opts: InfluxdOptions = {}): Promise<InfluxdServer> {
  requireProgram('influxd');
  const dir = mkdtempSync(join(tmpdir(), 'kraken-arb-influxd-'));
  const port = await freePort();
  const rpcPort = await freePort();
  const confPath = join(dir, 'influxdb.conf');
  writeFileSync(confPath, config(dir, port, rpcPort, opts));
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let stderr = '';

  const stop = async (): Promise<void> => {
    const c = child;
    if (c === null) return;
    child = null;
    if (c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return;
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    const timer = setTimeout(() => c.kill('SIGKILL'), influxdStopDeadlineMs);
    await exited;
    clearTimeout(timer);
  };

  const start = async (): Promise<void> => {
    if (child !== null) return;
    stderr = '';
    const c = spawn('influxd', ['run', '-config', confPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    child = c;
    let spawnError: Error | null = null;
    c.once('error', (err) => {
      spawnError = err; // e.g. ENOENT: influxd not installed (apt-get install influxdb)
    });
    c.stderr?.setEncoding('utf8');
    c.stderr?.on('data', (d: string) => {
      if (stderr.length < 20_000) stderr += d;
    });
    try {
      await waitFor(
        async () => {
          if (spawnError !== null)
            throw new Error(
              `cannot start influxd (install the Debian package influxdb): ${String(spawnError)}`,
            );
          if (c.exitCode !== null)
            throw new Error(`influxd exited with ${c.exitCode}: ${stderr.slice(-2000)}`);
          return ping(url);
        },
        influxdStartDeadlineMs,
        'influxd /ping',
      );
    } catch (err) {
      await stop();
      throw err;
    }
  };

  const query = async (q: string, o: InfluxQueryOptions = {}): Promise<InfluxStatementResult[]> => {
    // Credentials and db go in the URL query (InfluxDB 1.x reads them only there); q goes in the body for POST.
    const auth = new URLSearchParams({ epoch: 'u' });
    if (o.db !== undefined) auth.set('db', o.db);
    if (o.user !== undefined) auth.set('u', o.user);
    if (o.password !== undefined) auth.set('p', o.password);
    const method = o.method ?? (/^\s*(select|show)\b/i.test(q) && !/\binto\b/i.test(q) ? 'GET' : 'POST');
    let res: Response;
    if (method === 'GET') {
      auth.set('q', q);
      res = await fetch(`${url}/query?${auth.toString()}`);
    } else {
      res = await fetch(`${url}/query?${auth.toString()}`, {
        method: 'POST',
        body: new URLSearchParams({ q }),
      });
    }
    const body = (await res.json()) as { results?: InfluxStatementResult[]; error?: string };
    if (body.error !== undefined) throw new Error(`influx query failed (${res.status}): ${body.error}`);
    return body.results ?? [];
  };

  await start();
  return {
    host: '127.0.0.1',
    port,
    url,
    dir,
    start,
    stop,
    query,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Rows of the first series of the first statement as objects keyed by column. */
export function rows(results: InfluxStatementResult[]): Record<string, unknown>[] {
  const first = results[0];
  if (first?.error !== undefined) throw new Error(`influx statement error: ${first.error}`);
  const out: Record<string, unknown>[] = [];
  for (const s of first?.series ?? []) {
    for (const v of s.values) {
      const row: Record<string, unknown> = { ...(s.tags ?? {}) };
      s.columns.forEach((c, i) => (row[c] = v[i]));
      out.push(row);
    }
  }
  return out;
}
