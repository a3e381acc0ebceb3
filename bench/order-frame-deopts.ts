/**
 * Does a full garbage collection between trades cost the next order's frame its optimised code?
 * Builds buy frames as the trader's rehearsal does (every millisecond), then, at each "trade", one
 * buy and one sell frame, with a full GC after every fifth, in a child under `--trace-deopt
 * --expose-gc`; counts, after the warm-up, the deoptimisations of the frame builders and the
 * optimised code V8 discarded because an object it relied on died ("weak objects").
 *
 * Why: traced realistic runs of the system (2026-12-06) showed the v1 builder's optimised code
 * discarded at a full GC and then deoptimised at a real trade's frame ("wrong map"), once a run. It
 * added the frame's fields one by one, and V8 keeps the maps those additions make only while some
 * object has them. Before the builder built one literal: 2 weak-objects discards and 1 wrong-map
 * deoptimisation here; after: 0 and 0 (bench/README.md, fifth session).
 *
 *   node dist/bench/order-frame-deopts.js
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { buildAddOrder, type AddOrderParams } from '../src/kraken/ws/v1/messages.js';
import { buildAddOrderV2, type AddOrderV2Params } from '../src/kraken/ws/v2/messages.js';

const REHEARSALS_PER_TRADE = 20_000;
const TRADES = 30;
const GC_EVERY_TRADES = 5;
const MARK = '--- trades';
const DEADLINE = '2026-12-06T14:00:00.000Z';

/** The v1 parameters as the order entry's toParams gives them: every field, undefined when unset. */
function v1(side: 'buy' | 'sell', userref: number): AddOrderParams {
  const buy = side === 'buy';
  return {
    ordertype: buy ? 'limit' : 'market',
    type: side,
    pair: buy ? 'XBT/USD' : 'XBT/EUR',
    volume: '0.01234567',
    price: buy ? '100.5' : undefined,
    timeinforce: buy ? 'IOC' : undefined,
    oflags: 'fciq',
    userref,
    deadline: DEADLINE,
  };
}

function v2(side: 'buy' | 'sell', userref: number): AddOrderV2Params {
  const buy = side === 'buy';
  return {
    order_type: buy ? 'limit' : 'market',
    side,
    symbol: buy ? 'BTC/USD' : 'BTC/EUR',
    order_qty: '0.01234567',
    limit_price: buy ? '100.5' : undefined,
    time_in_force: buy ? 'ioc' : undefined,
    fee_preference: 'quote',
    order_userref: userref,
    deadline: DEADLINE,
  };
}

function child(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('run with --expose-gc');
  let bytes = 0;
  const frames = (side: 'buy' | 'sell', i: number): void => {
    bytes += buildAddOrder(i, 'rehearsal-not-a-token', v1(side, 1000 + i)).length;
    bytes += buildAddOrderV2(i, 'rehearsal-not-a-token', v2(side, 1000 + i)).length;
  };
  // The start-up warm-up runs whole trades: buys and sells.
  for (let i = 0; i < REHEARSALS_PER_TRADE; i++) frames(i % 2 === 0 ? 'buy' : 'sell', i);
  console.log(MARK);
  for (let t = 1; t <= TRADES; t++) {
    for (let i = 0; i < REHEARSALS_PER_TRADE; i++) frames('buy', i);
    frames('buy', t);
    frames('sell', t);
    if (t % GC_EVERY_TRADES === 0) gc();
  }
  console.log(`--- ${TRADES} trades, ${bytes} bytes`);
}

function main(): void {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--trace-deopt', '--expose-gc', self, '--child'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  const after = r.stdout.slice(r.stdout.indexOf(MARK));
  const builders = /^buildAddOrder(V2)?$/;
  let discarded = 0;
  for (const m of after.matchAll(
    /<SharedFunctionInfo (\S+)>\) \(opt id \d+\) for deoptimization, reason: weak objects/g,
  ))
    if (builders.test(m[1] as string)) discarded++;
  const counts = new Map<string, number>();
  for (const m of after.matchAll(/\[bailout \(kind: [^,]+, reason: ([^)]*)\).*?<JSFunction (\S*)/g)) {
    if (!builders.test(m[2] as string)) continue;
    const key = `${m[2]} (${m[1]})`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(
    `${TRADES} trades, a full GC every ${GC_EVERY_TRADES}: the frame builders' optimised code ` +
      `discarded ${discarded} times (weak objects), ${total} deoptimisations`,
  );
  for (const [k, v] of counts) console.log(`  ${v} × ${k}`);
}

if (process.argv.includes('--child')) child();
else main();
