import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AlertPolicy, type Alert } from '../../src/notify/alert-policy.js';

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

  test('memory stays bounded with endless distinct keys', () => {
    const p = new AlertPolicy({ maxPerWindow: 1_000_000 });
    for (let i = 0; i < 5000; i++) p.offer(a(`k${i}`), i);
    // internal map is capped; offering the very first key again opens a new window (it was evicted)
    assert.equal(p.offer(a('k0'), 5000).length, 1);
  });
});
