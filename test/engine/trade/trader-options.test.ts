/**
 * wakeTraderAheadFor: which traders the listeners wake as they find an opportunity, ahead of the
 * publish (the trader worker sets the shared flag from it; Listener.onSpread obeys the flag).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wakeTraderAheadFor } from '../../../src/engine/trade/trader-options.js';

test('woken ahead only when pinned to a CPU of its own and waiting on the slot, not busy-polling', () => {
  assert.equal(wakeTraderAheadFor(true, false), true, 'its own CPU, parked: woken ahead');
  assert.equal(wakeTraderAheadFor(true, true), false, '--spin: nothing waits on the slot');
  assert.equal(wakeTraderAheadFor(false, false), false, "on a listener's CPU: it would hold that CPU");
  assert.equal(wakeTraderAheadFor(false, true), false);
});
