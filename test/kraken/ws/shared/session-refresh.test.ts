/**
 * Token refresh on session errors: the policy on a fake clock, then the v1 client against a
 * Kraken-like endpoint that answers with the live session error text (test/corpus/); and the waits
 * between failed token fetches, against the connection budget.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionRefresh, MAX_SESSION_REFRESHES } from '../../../../src/kraken/ws/shared/session-refresh.js';
import { SESSION_ERROR_RE } from '../../../../src/kraken/ws/shared/error-text.js';
import { FakeClock } from '../../../helpers/fake-clock.js';
import { KrakenPrivateV1 } from '../../../../src/kraken/ws/v1/private.js';
import { corpus, value } from '../../../helpers/corpus.js';
import { waitFor } from '../helpers.js';
import { startFakePrivateV1 } from '../v1/fake-private-v1.js';
import { TOKEN_RETRY_BACKOFF } from '../../../../src/kraken/ws/shared/private-session.js';
import { backoffDelayMs } from '../../../../src/kraken/backoff.js';

/** The session error as live Kraken words it. */
const LIVE_SESSION_ERROR = (() => {
  const e = corpus('error-text').find((x) => x.text.includes('ESession'));
  if (e === undefined) throw new Error('corpus has no session error');
  return value(e) as string;
})();

test('live session error texts are recognised; others are not', () => {
  assert.match(LIVE_SESSION_ERROR, SESSION_ERROR_RE);
  for (const e of corpus('v2.ack')) {
    const err = (value(e) as { error?: string }).error;
    if (err === undefined) continue;
    const session = /ESession|Token\(s\) not found/.test(err);
    assert.equal(SESSION_ERROR_RE.test(err), session, err);
  }
  assert.doesNotMatch('EOrder:Insufficient funds', SESSION_ERROR_RE);
});

test('the first refresh is immediate, later ones back off, and the run is bounded', () => {
  const f = new FakeClock();
  const r = new SessionRefresh(f, { baseMs: 500, maxMs: 30_000 }, MAX_SESSION_REFRESHES, () => 0.5);
  let runs = 0;
  const delays: number[] = [];
  for (let i = 0; i < MAX_SESSION_REFRESHES; i++) {
    const d = r.onSessionError(() => runs++);
    assert.equal(d.action, 'scheduled');
    assert.equal(r.onSessionError(() => runs++).action, 'pending', 'one refresh at a time');
    delays.push(f.fireNext());
    r.done();
  }
  assert.equal(runs, MAX_SESSION_REFRESHES);
  assert.equal(delays[0], 0);
  for (let i = 1; i < delays.length; i++)
    assert.ok((delays[i] as number) > (delays[i - 1] as number), `${delays}`);
  const giveUp = r.onSessionError(() => runs++);
  assert.deepEqual(giveUp, { action: 'give-up', failures: MAX_SESSION_REFRESHES });
  assert.equal(runs, MAX_SESSION_REFRESHES);
  assert.equal(r.onSessionError(() => runs++).action, 'scheduled', 'a new run after giving up');
});

test('a subscription that succeeds ends the run; a dropped socket cancels what is scheduled', () => {
  const f = new FakeClock();
  const r = new SessionRefresh(f);
  r.onSessionError(() => undefined);
  f.fireNext();
  r.done();
  r.onSessionError(() => undefined);
  assert.equal(r.attempts, 2);
  r.reset();
  assert.equal(f.pending.size, 0);
  assert.equal(r.pending, false);
  r.onSessionError(() => undefined);
  f.fireNext();
  r.done();
  r.succeeded();
  assert.equal(r.attempts, 0);
});

/** v1 private endpoint: every subscribe with a `bad` token fails with the live session error. */
async function endpoint(bad: (token: string) => boolean) {
  const fake = await startFakePrivateV1((token) => (bad(token) ? LIVE_SESSION_ERROR : undefined));
  return { server: fake.server, subscribes: fake.subscribes };
}

test('v1: an expired token (live error text) ⇒ a new token ⇒ both channels subscribed again', async (t) => {
  const { server, subscribes } = await endpoint((tok) => tok === 'tok-1');
  t.after(() => server.close());
  let n = 0;
  const c = new KrakenPrivateV1({ url: server.url, getToken: async () => 'tok-' + ++n }, {});
  t.after(() => c.close());
  c.start();
  await waitFor(() => c.ready, 'ready with the second token');
  assert.equal(n, 2, "one refresh answers both channels' errors");
  assert.equal(c.stats.tokenRefreshes, 1);
  assert.equal(c.stats.sessionErrors, 2);
  assert.deepEqual(subscribes.filter((s) => s.endsWith('tok-2')).sort(), [
    'openOrders:tok-2',
    'ownTrades:tok-2',
  ]);
});

test('v1: session errors that never stop ⇒ bounded refreshes, then a new connection', async (t) => {
  const { server } = await endpoint(() => true);
  t.after(() => server.close());
  let n = 0;
  const codes: string[] = [];
  const c = new KrakenPrivateV1(
    {
      url: server.url,
      getToken: async () => 'tok-' + ++n,
      sessionRefresh: { maxInRow: 3, backoff: { baseMs: 5, maxMs: 20 } },
      connection: { reconnect: { initialDelayMs: 1, maxDelayMs: 5 } },
    },
    { onError: (code) => codes.push(code) },
  );
  t.after(() => c.close());
  c.start();
  await waitFor(() => c.connection.stats.connects >= 2, 'a new connection after the bounded refreshes');
  assert.equal(codes.filter((x) => x === 'SESSION_ERROR').length, 1);
  // One token per connection, plus three refreshes on the first.
  assert.ok(c.stats.tokenRefreshes >= 3, String(c.stats.tokenRefreshes));
  assert.equal(c.ready, false);
});

test('failed token fetches on one socket spend at most 20 of the connection budget in any 10 minutes, and keep going', () => {
  // The shortest waits the jitter can draw (random 0): the most fetches a REST outage can cause.
  const at: number[] = [0];
  for (let failure = 1; failure <= 200; failure++)
    at.push((at[failure - 1] as number) + backoffDelayMs(TOKEN_RETRY_BACKOFF, failure, () => 0));
  const windowMs = 10 * 60_000;
  let most = 0;
  for (let i = 0; i < at.length; i++) {
    const start = at[i] as number;
    most = Math.max(most, at.filter((t) => t >= start && t < start + windowMs).length);
  }
  assert.ok(most <= 20, `${most} fetches in one 10-minute window`);
  // Still asking: a fetch at least every 2 minutes once the waits have grown.
  const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
  assert.ok(Math.max(...gaps) <= 120_000, `a wait of ${Math.max(...gaps)} ms`);
  assert.equal(gaps[0], 250, 'the first retry comes quickly');
});
