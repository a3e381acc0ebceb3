/**
 * Starts a worker fixture from test/helpers/fixtures/ both ways the suite runs:
 * from dist/ (compiled .js next to the compiled test) and under tsx (the .ts source, loaded through
 * tsx's tsImport because Node 20 workers do not inherit tsx's loader hooks for their entry file).
 */
import { after } from 'node:test';
import { Worker } from 'node:worker_threads';

/** How long a fixture may take to answer (fixtureResult). */
const RESULT_DEADLINE_MS = 20_000;
/** Workers started by fixtureResult in this test file's process, terminated after its tests. */
const started: Worker[] = [];
after(async () => {
  await Promise.all(started.splice(0).map((w) => w.terminate()));
});

export function startFixture(name: string, workerData: unknown): Worker {
  const underTsx = import.meta.url.endsWith('.ts');
  const url = new URL(`./fixtures/${name}${underTsx ? '.ts' : '.js'}`, import.meta.url);
  if (!underTsx) return new Worker(url, { workerData });
  const href = JSON.stringify(url.href);
  const boot = `import('tsx/esm/api').then((api) => api.tsImport(${href}, ${href}))`;
  return new Worker(boot, { eval: true, workerData, execArgv: [] });
}

/** Resolves with the worker's first message; rejects on error, early exit or after `deadlineMs`. */
export function firstMessage<T>(w: Worker, deadlineMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker gave no result within ${deadlineMs} ms`)),
      deadlineMs,
    );
    const done = (): void => clearTimeout(timer);
    w.once('message', (m: T) => {
      done();
      resolve(m);
    });
    w.once('error', (e) => {
      done();
      reject(e);
    });
    w.once('exit', (code) => {
      done();
      reject(new Error(`worker exited (code ${code}) before reporting`));
    });
  });
}

/**
 * Starts fixture `name` and resolves with its first message (firstMessage, RESULT_DEADLINE_MS); the
 * worker is terminated after the test file's tests.
 */
export function fixtureResult<T>(name: string, workerData: unknown): Promise<T> {
  const w = startFixture(name, workerData);
  started.push(w);
  return firstMessage<T>(w, RESULT_DEADLINE_MS);
}
