import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { NonceGenerator, createNonceBuffer } from '../../src/kraken/nonce.js';

// Compiled to dist/ the worker is plain .js and node runs it directly. Under tsx this file is .ts and
// Node 20 does not apply tsx's loader inside workers, so a tiny eval bootstrap loads the .ts worker
// through tsx's scoped tsImport.
const isTs = import.meta.url.endsWith('.ts');
const workerUrl = new URL(`./fixtures/nonce-worker${isTs ? '.ts' : '.js'}`, import.meta.url);

function startWorker(workerData: unknown): Worker {
  if (!isTs) return new Worker(workerUrl, { workerData });
  const boot = `import('tsx/esm/api').then(({ tsImport }) => tsImport(${JSON.stringify(workerUrl.href)}, ${JSON.stringify(import.meta.url)}))`;
  return new Worker(boot, { eval: true, workerData });
}

describe('NonceGenerator', () => {
  test('strictly increasing even when the clock stands still or goes back', () => {
    let clock = 1_000_000n;
    const gen = new NonceGenerator(createNonceBuffer(), () => clock);
    const a = gen.next();
    const b = gen.next();
    clock = 500n;
    const c = gen.next();
    assert.equal(a, 1_000_000n);
    assert.equal(b, 1_000_001n);
    assert.equal(c, 1_000_002n);
    clock = 2_000_000n;
    assert.equal(gen.next(), 2_000_000n);
  });

  test('default clock gives epoch microseconds, above any ms nonce', () => {
    const gen = new NonceGenerator();
    const n = gen.next();
    assert.ok(n > BigInt(Date.now()) * 100n, `nonce ${n} is not in µs`);
  });

  test('two generators over one buffer share one sequence', () => {
    const buf = createNonceBuffer();
    const g1 = new NonceGenerator(buf, () => 10n);
    const g2 = new NonceGenerator(buf, () => 10n);
    assert.deepEqual([g1.next(), g2.next(), g1.next(), g2.next()], [10n, 11n, 12n, 13n]);
    assert.equal(g1.last(), 13n);
  });

  test('rejects a buffer that is not shared', () => {
    assert.throws(() => new NonceGenerator(new ArrayBuffer(8) as unknown as SharedArrayBuffer), TypeError);
  });

  test('unique and per-thread increasing across real worker threads', async () => {
    const buffer = createNonceBuffer();
    const workerCount = 4;
    const perWorker = 5000;
    const workers: Worker[] = [];
    after(async () => {
      await Promise.all(workers.map((w) => w.terminate()));
    });
    const results = Array.from({ length: workerCount }, () => {
      const w = startWorker({ buffer, count: perWorker });
      workers.push(w);
      return new Promise<BigInt64Array>((resolve, reject) => {
        w.once('message', (m: BigInt64Array) => resolve(m));
        w.once('error', reject);
        w.once('exit', (code) => reject(new Error(`worker exited with ${code} before answering`)));
      });
    });
    // The main thread draws concurrently too.
    const main = new NonceGenerator(buffer);
    const mine: bigint[] = [];
    for (let i = 0; i < perWorker; i++) mine.push(main.next());
    const all = [...(await Promise.all(results)).map((a) => Array.from(a)), mine];
    const seen = new Set<bigint>();
    for (const seq of all) {
      assert.equal(seq.length, perWorker);
      for (let i = 0; i < seq.length; i++) {
        const v = seq[i] as bigint;
        if (i > 0) assert.ok(v > (seq[i - 1] as bigint), 'sequence not increasing');
        seen.add(v);
      }
    }
    assert.equal(seen.size, perWorker * (workerCount + 1), 'duplicate nonces across threads');
    assert.equal(
      main.last(),
      [...seen].reduce((m, v) => (v > m ? v : m), 0n),
    );
  });
});
