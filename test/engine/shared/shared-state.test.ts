import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import {
  holdEventLoop,
  OpportunitySlot,
  PUBLISHED,
  REFUSED_SLOT_FULL,
  REFUSED_TAKER_BUSY,
  SLOT_EMPTY,
  SLOT_FULL,
  SLOT_READING,
  SLOT_WRITING,
  SlotError,
} from '../../../src/engine/shared/slot.js';
import {
  Seqlock,
  SEQ_READ_OK,
  SEQ_READ_NEVER_WRITTEN,
  SEQ_READ_CONTENDED,
} from '../../../src/engine/shared/seqlock.js';
import {
  attachSharedState,
  createSharedState,
  BAL_EUR,
  BAL_USD,
  BALANCE_FIELDS,
  FEE_COIN_TAKER,
  FEE_FIELDS,
  FEED_ONLINE,
  SharedStateError,
} from '../../../src/engine/shared/shared-state.js';
import { CTR_UPDATES, CTR_FIXED_COLUMNS } from '../../../src/engine/shared/shared-counters.js';

const payload = (n: number, base: number): Float64Array =>
  Float64Array.from({ length: n }, (_, i) => base + i);

describe('opportunity slot', () => {
  test('publish then take copies the payload and empties the slot', () => {
    const slot = new OpportunitySlot(new SharedArrayBuffer(OpportunitySlot.byteLength(5)), 0, 5);
    assert.equal(slot.currentState(), SLOT_EMPTY);
    assert.equal(slot.tryPublish(payload(5, 10)), PUBLISHED);
    assert.equal(slot.currentState(), SLOT_FULL);
    const out = new Float64Array(5);
    assert.equal(slot.tryTake(out), true);
    assert.deepEqual(Array.from(out), [10, 11, 12, 13, 14]);
    assert.equal(slot.currentState(), SLOT_EMPTY);
    assert.equal(slot.tryTake(out), false, 'empty slot gives nothing');
  });

  test('a full slot drops: the second publish fails and the first payload survives', () => {
    const slot = new OpportunitySlot(new SharedArrayBuffer(OpportunitySlot.byteLength(3)), 0, 3);
    assert.equal(slot.tryPublish(payload(3, 1)), PUBLISHED);
    assert.equal(slot.tryPublish(payload(3, 100)), REFUSED_SLOT_FULL);
    const out = new Float64Array(3);
    assert.equal(slot.tryTake(out), true);
    assert.deepEqual(Array.from(out), [1, 2, 3]);
    assert.equal(slot.tryTake(out), false, 'nothing was queued behind it');
  });

  test('a publisher mid-write (WRITING) or the trader mid-copy (READING) excludes the other side', () => {
    const buf = new SharedArrayBuffer(OpportunitySlot.byteLength(2));
    const slot = new OpportunitySlot(buf, 0, 2);
    const state = new Int32Array(buf, 0, 1); // the state word is the first Int32 of the slot block
    const out = new Float64Array(2);
    Atomics.store(state, 0, SLOT_WRITING);
    assert.equal(slot.tryPublish(payload(2, 1)), REFUSED_SLOT_FULL, 'second publisher must not interleave');
    assert.equal(slot.tryTake(out), false, 'trader must not read a half-written payload');
    Atomics.store(state, 0, SLOT_READING);
    assert.equal(
      slot.tryPublish(payload(2, 1)),
      REFUSED_TAKER_BUSY,
      'publisher must not overwrite while the trader copies (and the trader is busy with it)',
    );
    assert.equal(slot.tryTake(out), false);
    Atomics.store(state, 0, SLOT_EMPTY);
    assert.equal(slot.tryPublish(payload(2, 1)), PUBLISHED);
  });

  test('short arrays are rejected with a code; a longer source copies only the payload', () => {
    const slot = new OpportunitySlot(new SharedArrayBuffer(OpportunitySlot.byteLength(4)), 0, 4);
    assert.throws(
      () => slot.tryPublish(new Float64Array(3)),
      (e: unknown) => e instanceof SlotError && e.code === 'E_SLOT_PAYLOAD_LENGTH',
    );
    assert.equal(slot.tryPublish(payload(6, 0)), PUBLISHED);
    assert.throws(
      () => slot.tryTake(new Float64Array(2)),
      (e: unknown) => e instanceof SlotError && e.code === 'E_SLOT_PAYLOAD_LENGTH',
    );
    assert.equal(slot.currentState(), SLOT_FULL, 'a rejected take leaves the slot full');
  });

  test("a take from the shared slot says the trader is busy before the slot empties: a listener's next publish is refused, not left to go stale", () => {
    const shared = createSharedState({ listeners: 1, opportunityFields: 2, evalCodes: 0, pairs: 4 });
    const other = attachSharedState(structuredClone(shared.handle));
    assert.equal(shared.slot.tryPublish(payload(2, 7)), PUBLISHED);
    assert.equal(other.isTraderBusy(), false);
    const out = new Float64Array(2);
    assert.equal(shared.slot.tryTake(out), true);
    assert.equal(other.isTraderBusy(), true, 'busy, seen from another attachment, once the take returns');
    assert.equal(other.slot.currentState(), SLOT_EMPTY);
    // A listener that checked the flag before the take and publishes after it is refused by the
    // slot itself; the slot stays empty for the next opportunity once the trader is done.
    assert.equal(other.slot.tryPublish(payload(2, 8)), REFUSED_TAKER_BUSY, 'refused while the taker is busy');
    assert.equal(other.slot.currentState(), SLOT_EMPTY);
    other.setTraderBusy(false);
    assert.equal(other.slot.tryPublish(payload(2, 9)), PUBLISHED, 'published once the taker is free');
    assert.equal(shared.slot.tryTake(out), true);
    assert.deepEqual(Array.from(out), Array.from(payload(2, 9)));
    const plain = new OpportunitySlot(new SharedArrayBuffer(OpportunitySlot.byteLength(2)), 0, 2);
    plain.tryPublish(payload(2, 1));
    assert.equal(plain.tryTake(out), true, 'a slot without a busy flag takes as before');
  });

  test('spinTake and waitForPublish see an already full slot; waitForPublish times out on an empty one', async (t) => {
    // A pending waitAsync does not keep the loop alive (docs/node-latency.md §3): hold it like a trader would.
    t.after(holdEventLoop());
    const slot = new OpportunitySlot(new SharedArrayBuffer(OpportunitySlot.byteLength(2)), 0, 2);
    const out = new Float64Array(2);
    assert.equal(slot.spinTake(out, 10), false);
    assert.equal(await slot.waitForPublish(1), 'timed-out');
    assert.equal(slot.waitForPublishSync(1), 'timed-out');
    slot.tryPublish(payload(2, 7));
    assert.equal(await slot.waitForPublish(1_000), 'full');
    assert.equal(slot.spinTake(out, 10), true);
    assert.deepEqual(Array.from(out), [7, 8]);
  });
});

describe('seqlock', () => {
  test('reports never-written, then returns what was written with its timestamp', () => {
    const lock = new Seqlock(new SharedArrayBuffer(Seqlock.byteLength(3)), 0, 3);
    const out = new Float64Array(3);
    assert.equal(lock.read(out), SEQ_READ_NEVER_WRITTEN);
    lock.write(Float64Array.from([1.5, -2.25, 1e15 + 0.5]), 1_700_000_000_000_123);
    assert.equal(lock.read(out), SEQ_READ_OK);
    assert.deepEqual(Array.from(out), [1.5, -2.25, 1e15 + 0.5]);
    assert.equal(lock.updatedAtUs, 1_700_000_000_000_123);
    assert.equal(lock.writes(), 1);
    lock.write(Float64Array.from([NaN, 0, 3]), 2);
    assert.equal(lock.read(out), SEQ_READ_OK);
    assert.ok(Number.isNaN(out[0]));
    assert.equal(lock.updatedAtUs, 2);
  });

  test('a writer stuck mid-write makes readers give up (bounded) instead of spinning', () => {
    const buf = new SharedArrayBuffer(Seqlock.byteLength(1));
    const lock = new Seqlock(buf, 0, 1, 8);
    lock.write(Float64Array.of(5), 1);
    const seq = new Int32Array(buf, 0, 1);
    Atomics.add(seq, 0, 1); // odd: a write in progress that never finishes
    const out = new Float64Array(1);
    assert.equal(lock.read(out), SEQ_READ_CONTENDED);
    assert.equal(lock.lastStatus, SEQ_READ_CONTENDED);
    Atomics.add(seq, 0, 1);
    assert.equal(lock.read(out), SEQ_READ_OK);
    assert.equal(out[0], 5);
  });
});

describe('shared state', () => {
  test('a worker-side attach sees what the main side wrote (same layout from the handle)', () => {
    const main = createSharedState({ listeners: 2, opportunityFields: 37, evalCodes: 13, pairs: 4 });
    const other = attachSharedState(structuredClone(main.handle));
    assert.equal(other.isTradingEnabled(), false, 'trading starts disabled');
    main.setTradingEnabled(true);
    main.setTraderBusy(true);
    main.setFeedStatus(1, FEED_ONLINE);
    main.setLastFrameUs(1, 123.5);
    assert.equal(other.isTradingEnabled(), true);
    assert.equal(other.isTraderBusy(), true);
    assert.equal(other.feedStatus(1), FEED_ONLINE);
    assert.equal(other.feedStatus(0), 0);
    assert.equal(other.lastFrameUs(1), 123.5);

    const bal = new Float64Array(BALANCE_FIELDS);
    bal[BAL_USD] = 1000.25;
    bal[BAL_EUR] = 900;
    main.balances.write(bal, 42);
    const fees = new Float64Array(FEE_FIELDS);
    fees[FEE_COIN_TAKER] = 0.0026;
    main.fees.write(fees, 43);
    const out = new Float64Array(BALANCE_FIELDS);
    assert.equal(other.balances.read(out), SEQ_READ_OK);
    assert.equal(out[BAL_USD], 1000.25);
    assert.equal(out[BAL_EUR], 900);
    assert.equal(other.balances.updatedAtUs, 42);
    const fout = new Float64Array(FEE_FIELDS);
    assert.equal(other.fees.read(fout), SEQ_READ_OK);
    assert.equal(fout[FEE_COIN_TAKER], 0.0026);

    main.setTraderBusy(false); // a busy trader's slot refuses publishes
    assert.equal(other.slot.tryPublish(payload(37, 0)), PUBLISHED);
    assert.equal(main.slot.tryTake(new Float64Array(37)), true);

    const row = other.counters.row(1);
    row[CTR_UPDATES] = (row[CTR_UPDATES] ?? 0) + 3;
    row[other.counters.evalCodeColumn(4)] = 2;
    assert.equal(main.counters.total(CTR_UPDATES), 3);
    assert.equal(main.counters.snapshot()[1]?.[CTR_FIXED_COLUMNS + 4], 2);
    assert.equal(main.counters.snapshot()[0]?.[CTR_UPDATES], 0, 'rows do not overlap');
    assert.throws(() => main.counters.row(2), RangeError);
  });

  test('risk stop disables trading and keeps the first reason; shutdown disables trading', () => {
    const s = createSharedState({ listeners: 1, opportunityFields: 4, evalCodes: 0, pairs: 4 });
    s.setTradingEnabled(true);
    s.riskStop(7);
    s.riskStop(9);
    assert.equal(s.isTradingEnabled(), false);
    assert.equal(s.riskStopCode(), 7);
    s.setTradingEnabled(true);
    s.requestShutdown();
    assert.equal(s.isShutdownRequested(), true);
    assert.equal(s.isTradingEnabled(), false);
  });

  test('bad options and a too-small buffer are refused with codes', () => {
    const isCode = (code: string) => (e: unknown) => e instanceof SharedStateError && e.code === code;
    assert.throws(
      () => createSharedState({ listeners: 0, opportunityFields: 4, evalCodes: 0, pairs: 4 }),
      isCode('E_SHARED_STATE_OPTIONS'),
    );
    assert.throws(
      () => createSharedState({ listeners: 1, opportunityFields: 1.5, evalCodes: 0, pairs: 4 }),
      isCode('E_SHARED_STATE_OPTIONS'),
    );
    const options = { listeners: 1, opportunityFields: 4, evalCodes: 0, pairs: 4 };
    assert.throws(
      () => attachSharedState({ buffer: new SharedArrayBuffer(64), options }),
      isCode('E_SHARED_STATE_BUFFER'),
    );
  });
});
