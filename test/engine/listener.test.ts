/**
 * Listener.onSpread, the hot path's per-update step, over real shared memory: each case feeds
 * spread updates and asserts, through the listener's counter row and the slot, exactly what the
 * step did (which counters moved, whether an opportunity reached the slot).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_BALANCE_AGE_US } from '../../src/engine/listener.js';
import { DIR_USD_TO_EUR, OPPORTUNITY_FIELDS, readOpportunity } from '../../src/core/opportunity.js';
import { SLOT_EMPTY, SLOT_FULL } from '../../src/engine/shared/slot.js';
import { MetricsRecorder } from '../../src/metrics/recorder.js';
import { NOW_US, TS } from '../core/fixtures.js';
import { ABC_EUR, FOUND, LISTENER, PAIRS, rig } from './listener-fixture.js';

describe('Listener.onSpread: the update', () => {
  test('accepted: counted as an update, stored, and the frame time published; USDT legs are not evaluated', () => {
    const { shared, listener, send } = rig();
    assert.deepEqual(send(0, 1.0, 1.0001), { updates: 1 });
    assert.equal(listener.table.valid[0], 1);
    assert.equal(listener.table.bid[0], 1.0);
    assert.equal(shared.lastFrameUs(LISTENER), NOW_US);
  });

  test('stale (older Kraken timestamp than the stored one): counted out of order, not stored', () => {
    const { listener, send } = rig();
    send(2, 99.9, 100.0, TS);
    assert.deepEqual(send(2, 98, 99, TS - 1), { outOfOrder: 1 });
    assert.equal(listener.table.bid[2], 99.9);
  });

  test('future-dated beyond the allowed clock skew: counted as a future timestamp, not stored', () => {
    const { listener, send } = rig();
    assert.deepEqual(send(2, 99.9, 100.0, TS + 3600), { futureTimestamp: 1 });
    assert.equal(listener.table.valid[2], 0);
  });

  test('crossed (bid ≥ ask): counted malformed, the pair marked invalid', () => {
    const { listener, send } = rig();
    send(2, 99.9, 100.0);
    assert.deepEqual(send(2, 100.0, 99.9, TS + 1), { malformed: 1 });
    assert.equal(listener.table.valid[2], 0);
  });

  test('a pair index outside the table: counted malformed', () => {
    const { send } = rig();
    assert.deepEqual(send(PAIRS.pairs.length, 99.9, 100.0), { malformed: 1 });
  });
});

describe('Listener.onSpread: the opportunity', () => {
  test('published: counted and written to the slot with this listener and sequence 1', () => {
    const { shared, sendDislocation } = rig();
    assert.deepEqual(sendDislocation(), { ...FOUND, published: 1 });
    const got = new Float64Array(OPPORTUNITY_FIELDS);
    assert.ok(shared.slot.tryTake(got));
    const opp = readOpportunity(got, 0);
    assert.equal(opp.direction, DIR_USD_TO_EUR);
    assert.equal(opp.buyPair, 2);
    assert.equal(opp.sellPair, ABC_EUR);
    assert.equal(opp.seq, 1);
    assert.equal(opp.listener, LISTENER);
  });

  test('stamped as evaluated, then as published after the evaluation; a refused one carries no publish stamp', () => {
    // Each clock read 10 µs after the last: before the evaluation, after it, then the publish stamp.
    let reads = 0;
    const recorder = new MetricsRecorder({ source: LISTENER });
    const { shared, send, sendDislocation } = rig(NOW_US, recorder, () => NOW_US + 10 * ++reads);
    const recorded: number[] = [];
    recorder.opportunity = (payload, offset) => {
      recorded.push(readOpportunity(payload, offset).publishedUs);
    };
    sendDislocation();
    const got = new Float64Array(OPPORTUNITY_FIELDS);
    assert.ok(shared.slot.tryTake(got)); // the take marks the trader busy
    const opp = readOpportunity(got, 0);
    assert.ok(opp.evalDoneUs > NOW_US, String(opp.evalDoneUs));
    assert.equal(opp.publishedUs, opp.evalDoneUs + 10, 'the publish stamp is the next clock read');
    assert.deepEqual(send(ABC_EUR, 94.0, 94.1, TS + 0.001), { ...FOUND, dropTraderBusy: 1 });
    assert.deepEqual(recorded, [opp.publishedUs, 0], 'the refused one does not carry the last stamp');
  });

  test('fresh when its evaluation began but stale when it ended (the thread held in it): dropped as stale here, the trader never woken', () => {
    // Every second clock read (the evaluation's end) comes 61 s late: past STRATEGY's 60 s.
    let reads = 0;
    const { shared, sendDislocation } = rig(NOW_US, null, () => NOW_US + (++reads % 2 === 0 ? 61e6 : 0));
    shared.setWakeTraderAhead(true); // so that a wake ahead of the publish would be seen
    let wakes = 0;
    shared.slot.wakeTaker = () => void wakes++;
    assert.deepEqual(sendDislocation(), { updates: 1, staleLocal: 1 });
    assert.equal(shared.slot.tryTake(new Float64Array(OPPORTUNITY_FIELDS)), false);
    assert.equal(wakes, 0, 'the trader was woken for it');
  });

  test('balances older than MAX_BALANCE_AGE_US: dropped as balance unavailable, slot stays empty', () => {
    const { shared, sendDislocation } = rig(NOW_US - MAX_BALANCE_AGE_US - 1);
    assert.deepEqual(sendDislocation(), { ...FOUND, dropBalanceUnavailable: 1 });
    assert.equal(shared.slot.tryTake(new Float64Array(OPPORTUNITY_FIELDS)), false);
  });

  test('trading disabled: dropped as trading disabled', () => {
    const { shared, sendDislocation } = rig();
    shared.setTradingEnabled(false);
    assert.deepEqual(sendDislocation(), { ...FOUND, dropTradingDisabled: 1 });
    assert.equal(shared.slot.tryTake(new Float64Array(OPPORTUNITY_FIELDS)), false);
  });

  test('a leg not tradable on the exchange: dropped as pair not online', () => {
    const { shared, sendDislocation } = rig();
    shared.setPairTradable(ABC_EUR, false);
    assert.deepEqual(sendDislocation(), { ...FOUND, dropPairNotOnline: 1 });
    assert.equal(shared.slot.tryTake(new Float64Array(OPPORTUNITY_FIELDS)), false);
  });

  test('trader busy: dropped as trader busy', () => {
    const { shared, sendDislocation } = rig();
    shared.setTraderBusy(true);
    assert.deepEqual(sendDislocation(), { ...FOUND, dropTraderBusy: 1 });
    assert.equal(shared.slot.tryTake(new Float64Array(OPPORTUNITY_FIELDS)), false);
  });

  test('trader not yet taking (its start-up: warm-up, recovery, private socket): dropped as trader busy, not left to go stale in the slot', () => {
    const { shared, sendDislocation } = rig();
    shared.setTraderTaking(false);
    assert.deepEqual(sendDislocation(), { ...FOUND, dropTraderBusy: 1 });
    assert.equal(shared.slot.tryTake(new Float64Array(OPPORTUNITY_FIELDS)), false);
  });

  test('slot still full from the previous opportunity: dropped as slot full, the first one kept', () => {
    const { shared, send, sendDislocation } = rig();
    sendDislocation();
    assert.deepEqual(send(ABC_EUR, 94.0, 94.1, TS + 0.001), { ...FOUND, dropSlotFull: 1 });
    const got = new Float64Array(OPPORTUNITY_FIELDS);
    assert.ok(shared.slot.tryTake(got));
    assert.equal(readOpportunity(got, 0).seq, 1);
  });

  test('onPublished (the trader in this thread) is called once per opportunity put in the slot, after it is there', () => {
    const { shared, listener, send, sendDislocation } = rig();
    const slotStates: number[] = [];
    listener.onPublished = () => slotStates.push(shared.slot.currentState());
    shared.setTraderBusy(true);
    sendDislocation();
    assert.deepEqual(slotStates, [], 'not for a drop (trader busy)');
    shared.setTraderBusy(false);
    send(ABC_EUR, 94.0, 94.1, TS + 0.001);
    assert.deepEqual(slotStates, [SLOT_FULL], 'once, with the opportunity in the slot');
    send(ABC_EUR, 94.0, 94.1, TS + 0.002);
    assert.deepEqual(slotStates, [SLOT_FULL], 'not for a drop (slot full)');
  });

  test('a trader to be woken ahead (a CPU of its own, parked) is woken as the opportunity is found, before it is in the slot: once per opportunity, none for other updates', () => {
    const { shared, send, sendDislocation } = rig();
    shared.setWakeTraderAhead(true);
    const slotStates: number[] = [];
    shared.slot.wakeTaker = () => slotStates.push(shared.slot.currentState());
    send(2, 99.9, 100.0);
    assert.deepEqual(slotStates, [], 'an update that is no opportunity wakes nobody');
    sendDislocation();
    assert.deepEqual(slotStates, [SLOT_EMPTY], 'woken once, before the publish');
    assert.equal(shared.slot.currentState(), SLOT_FULL);
  });

  test('no early wake for an opportunity refused before the publish, nor for a trader not to be woken ahead', () => {
    const { shared, send, sendDislocation } = rig();
    let wakes = 0;
    shared.slot.wakeTaker = () => void wakes++;
    sendDislocation();
    assert.equal(wakes, 0, 'the trader may share this CPU: no wake ahead of the publish');
    assert.ok(shared.slot.tryTake(new Float64Array(OPPORTUNITY_FIELDS)));
    shared.setWakeTraderAhead(true);
    shared.setTraderBusy(true);
    assert.deepEqual(send(ABC_EUR, 94.0, 94.1, TS + 0.001), { ...FOUND, dropTraderBusy: 1 });
    shared.setTraderBusy(false);
    shared.setTradingEnabled(false);
    assert.deepEqual(send(ABC_EUR, 94.0, 94.1, TS + 0.002), { ...FOUND, dropTradingDisabled: 1 });
    assert.equal(wakes, 0, 'refused opportunities wake nobody');
  });

  test('every opportunity found goes to metrics, published or dropped, after the hand-off', () => {
    const recorder = new MetricsRecorder({ source: LISTENER });
    const { shared, send, sendDislocation } = rig(NOW_US, recorder);
    const slotStates: number[] = [];
    const record = recorder.opportunity.bind(recorder);
    recorder.opportunity = (payload, offset) => {
      slotStates.push(shared.slot.currentState());
      record(payload, offset);
    };
    sendDislocation();
    assert.deepEqual(slotStates, [SLOT_FULL], 'recorded once it is in the slot');
    shared.setTraderBusy(true);
    assert.deepEqual(send(ABC_EUR, 94.0, 94.1, TS + 0.001), { ...FOUND, dropTraderBusy: 1 });
    assert.equal(slotStates.length, 2, 'a dropped opportunity is recorded too');
    assert.equal(recorder.droppedTotal, 0);
  });
});

describe('Listener.onSpread: the rehearsal of the opportunity branch', () => {
  test('an update that finds no opportunity runs it at most once a millisecond: nothing counted, woken or published, the sequence untouched', () => {
    let now = NOW_US;
    const { shared, listener, send, sendDislocation } = rig(NOW_US, null, () => now);
    shared.setWakeTraderAhead(true);
    let wakes = 0;
    shared.slot.wakeTaker = () => void wakes++;
    send(0, 1.0, 1.0001);
    assert.equal(listener.rehearsals, 0, 'a USDT leg is not evaluated, so not rehearsed either');
    const first = send(2, 99.9, 100.0);
    assert.equal(listener.rehearsals, 1, 'the first evaluation without an opportunity');
    assert.deepEqual(send(2, 99.9, 100.0), first, 'the rehearsal moved no counter of its own');
    assert.equal(listener.rehearsals, 1, 'not again within the millisecond');
    now += 999;
    send(2, 99.9, 100.0);
    assert.equal(listener.rehearsals, 1);
    now += 1;
    send(2, 99.9, 100.0);
    assert.equal(listener.rehearsals, 2, 'again a millisecond after the last');
    assert.equal(shared.slot.currentState(), SLOT_EMPTY);
    assert.equal(wakes, 0);
    assert.deepEqual(sendDislocation(), { ...FOUND, published: 1 });
    assert.equal(listener.rehearsals, 2, 'a real opportunity is not rehearsed');
    const got = new Float64Array(OPPORTUNITY_FIELDS);
    assert.ok(shared.slot.tryTake(got));
    const opp = readOpportunity(got, 0);
    assert.equal(opp.seq, 1, 'the first real opportunity, after two rehearsals');
    assert.equal(opp.buyPair, 2);
    assert.equal(opp.volume > 0 && opp.volume < 20, true, `sized by the real quotes: ${opp.volume}`);
  });
});
