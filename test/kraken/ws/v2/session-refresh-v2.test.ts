/**
 * v2: the resync after a sequence gap subscribes `executions` again with the token from connect
 * time; once Kraken has expired it (15 minutes), the subscribe fails with the live session error.
 * The client must fetch a new token and subscribe again, or no fill is ever heard of again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KrakenPrivateV2 } from '../../../../src/kraken/ws/v2/private.js';
import { waitFor } from '../helpers.js';
import { corpus, value } from '../../../helpers/corpus.js';
import { newReport, startFakePrivate } from './fake-private-v2.js';

const LIVE = (() => {
  const e = corpus('v2.ack').find((x) => x.text.includes('ESession:Invalid session'));
  if (e === undefined) throw new Error('corpus has no v2 session error');
  return (value(e) as { error: string }).error;
})();

test('v2: a resync with an expired token refreshes it and subscribes again', async (t) => {
  let expired = false;
  const fake = await startFakePrivate({
    subscribeError: (tok) => (expired && tok === 'tok1' ? LIVE : undefined),
  });
  t.after(() => fake.close());
  let n = 0;
  const gaps: string[] = [];
  const client = new KrakenPrivateV2(
    { url: fake.url, getToken: async () => 'tok' + ++n },
    { onGap: (_e, _r, why) => gaps.push(why) },
  );
  t.after(() => client.close());
  client.start();
  await waitFor(() => client.ready, 'ready');
  expired = true; // 15 minutes later: the connect-time token no longer subscribes
  fake.sendExecutions([newReport('OAAAAA-BBBBB-CCCCCC')], 7); // a gap: resync
  await waitFor(() => fake.subscribes === 2 && client.ready, 'subscribed again with a new token');
  assert.deepEqual(gaps, ['sequence']);
  assert.equal(client.stats.sessionErrors, 1);
  assert.equal(client.stats.tokenRefreshes, 1);
  assert.deepEqual(
    fake
      .messages()
      .filter((m) => m.method === 'subscribe')
      .map((m) => m.params?.token),
    ['tok1', 'tok1', 'tok2'],
  );
  assert.equal(client.connection.stats.connects, 1, 'no reconnect was needed');
});
