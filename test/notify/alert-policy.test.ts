import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertPolicy, type Alert } from '../../src/notify/alert-policy.js';
import {
  feedDownAlert,
  feedRecoveredAlert,
  journalFailingAlert,
  journalRecoveredAlert,
  orderInDoubtAlert,
  recoveredStrandedAlert,
  recoveryOrderOpenAlert,
} from '../../src/notify/alerts.js';

const a = (key: string, text = key, severity: Alert['severity'] = 'warning'): Alert => ({
  key,
  severity,
  text,
});

describe('AlertPolicy', () => {
  test('first alert of a key goes out at once', () => {
    const p = new AlertPolicy();
    assert.deepEqual(p.offer(a('x'), 0), [a('x')]);
  });

  test('a storm of one key is one message now and one with the count when the window ends', () => {
    const p = new AlertPolicy({ dedupeWindowMs: 60_000 });
    const out: Alert[] = [];
    out.push(...p.offer(a('socket-failed:l0', 'closed #0'), 0));
    for (let i = 1; i <= 200; i++) out.push(...p.offer(a('socket-failed:l0', `closed #${i}`), i * 100));
    assert.equal(out.length, 1);
    assert.equal(p.due(59_999).length, 0);
    const later = p.due(60_000);
    assert.equal(later.length, 1);
    assert.match(later[0]?.text ?? '', /closed #200\n\(repeated 200 more times within 60 s\)/);
    assert.equal(p.suppressed, 200);
    // the window is over: the next one goes out at once again
    assert.equal(p.offer(a('socket-failed:l0'), 61_000).length, 1);
  });

  test('different keys are not deduplicated', () => {
    const p = new AlertPolicy();
    assert.equal(p.offer(a('a'), 0).length, 1);
    assert.equal(p.offer(a('b'), 0).length, 1);
  });

  test('rate limit: over the limit is counted and summarised once when allowed', () => {
    const p = new AlertPolicy({ maxPerWindow: 3, rateWindowMs: 10_000, dedupeWindowMs: 1_000_000 });
    const sent: Alert[] = [];
    for (let i = 0; i < 10; i++) sent.push(...p.offer(a(`k${i}`, `t${i}`, i === 9 ? 'critical' : 'info'), i));
    assert.equal(sent.length, 3);
    assert.equal(p.due(9_999).length, 0);
    const summary = p.due(10_000);
    assert.equal(summary.length, 1);
    assert.match(summary[0]?.text ?? '', /^7 more alerts held back by the rate limit/);
    assert.equal(summary[0]?.severity, 'critical'); // the summary is as severe as what it hides
  });

  test('drain turns everything held into summaries', () => {
    const p = new AlertPolicy();
    p.offer(a('x'), 0);
    p.offer(a('x'), 1);
    p.offer(a('y'), 2);
    const d = p.drain();
    assert.equal(d.length, 1);
    assert.match(d[0]?.text ?? '', /repeated 1 more time within/);
    assert.equal(p.drain().length, 0);
  });

  test('an all-clear goes out at once after its failure, and no summary follows', () => {
    const p = new AlertPolicy({ dedupeWindowMs: 60_000 });
    assert.equal(p.offer(feedDownAlert(2, 'listener-2', 'reconnecting'), 0).length, 1);
    const up = p.offer(feedRecoveredAlert(2, 'listener-2', 4_000), 4_000);
    assert.deepEqual(
      up.map((x) => x.text),
      ['listener-2: feed recovered after 4000 ms'],
    );
    assert.deepEqual(p.due(60_000), []);
    assert.equal(p.suppressed, 0);
  });

  test("an all-clear counts the failure's held repeats, which are then not summarised", () => {
    const p = new AlertPolicy({ dedupeWindowMs: 60_000 });
    p.offer(journalFailingAlert('ENOSPC', 1), 0);
    p.offer(journalFailingAlert('ENOSPC', 2), 1_000);
    p.offer(journalFailingAlert('ENOSPC', 3), 2_000);
    const ok = p.offer(journalRecoveredAlert(3), 3_000);
    assert.equal(ok.length, 1);
    assert.equal(
      ok[0]?.text,
      'Journal writing again (3 held records written)\n(after 2 more alerts of the failure)',
    );
    assert.equal(ok[0]?.severity, 'info');
    assert.deepEqual(p.due(60_000), []);
  });

  test('a flapping feed is at most three messages a window: the failure, its end, one summary', () => {
    const p = new AlertPolicy({ dedupeWindowMs: 60_000 });
    const out: Alert[] = [];
    for (let i = 0; i < 10; i++) {
      out.push(...p.offer(feedDownAlert(0, 'listener-0', 'reconnecting'), i * 2_000));
      out.push(...p.offer(feedRecoveredAlert(0, 'listener-0', 1_000), i * 2_000 + 1_000));
    }
    out.push(...p.offer(feedDownAlert(0, 'listener-0', 'reconnecting'), 20_000));
    assert.deepEqual(
      out.map((x) => x.severity),
      ['warning', 'info'],
    );
    const end = p.due(60_000);
    assert.equal(end.length, 1);
    // The summary is the latest state: down again.
    assert.match(
      end[0]?.text ?? '',
      /^listener-0: feed reconnecting\n\(repeated 19 more times within 60 s\)$/,
    );
    assert.equal(end[0]?.severity, 'warning');
  });

  test('an all-clear with no failure in its window goes out as any first alert does', () => {
    const p = new AlertPolicy({ dedupeWindowMs: 60_000 });
    p.offer(feedDownAlert(1, 'listener-1', 'reconnecting'), 0);
    assert.deepEqual(p.due(60_000), []);
    assert.equal(p.offer(feedRecoveredAlert(1, 'listener-1', 70_000), 70_000).length, 1);
  });

  test('an all-clear is still under the rate limit', () => {
    const p = new AlertPolicy({ maxPerWindow: 1, rateWindowMs: 60_000, dedupeWindowMs: 60_000 });
    p.offer(feedDownAlert(0, 'listener-0', 'reconnecting'), 0);
    assert.deepEqual(p.offer(feedRecoveredAlert(0, 'listener-0', 1_000), 1_000), []);
    assert.equal(p.suppressed, 1);
  });

  test('each order in doubt, stranded trade and open order found at restart is its own message, at once', () => {
    const p = new AlertPolicy();
    const out: Alert[] = [];
    out.push(...p.offer(recoveredStrandedAlert('T1', 2, 'SOL', 300), 0));
    out.push(...p.offer(recoveredStrandedAlert('T2', 0.5, 'ETH', 1_500), 1));
    out.push(...p.offer(recoveredStrandedAlert('T3', 0.01, 'XBT', 900), 2));
    out.push(...p.offer(recoveryOrderOpenAlert('T4', ['OABC']), 3));
    out.push(...p.offer(recoveryOrderOpenAlert('T5', ['ODEF']), 4));
    out.push(...p.offer(orderInDoubtAlert('buy', 'OB1', 'SOL/USD', 30, ''), 5));
    out.push(...p.offer(orderInDoubtAlert('sell', 'OS2', 'SOL/EUR', 30, ''), 6));
    // The same order again within the window is a repeat, held.
    out.push(...p.offer(orderInDoubtAlert('buy', 'OB1', 'SOL/USD', 60, ''), 7));
    assert.equal(out.length, 7);
    for (const name of ['T1', 'T2', 'T3', 'T4', 'T5', 'OB1', 'OS2'])
      assert.ok(
        out.some((x) => x.text.includes(name)),
        name,
      );
  });

  test('memory stays bounded with endless distinct keys', () => {
    const p = new AlertPolicy({ maxPerWindow: 1_000_000 });
    for (let i = 0; i < 5000; i++) p.offer(a(`k${i}`), i);
    // internal map is capped; offering the very first key again opens a new window (it was evicted)
    assert.equal(p.offer(a('k0'), 5000).length, 1);
  });
});
