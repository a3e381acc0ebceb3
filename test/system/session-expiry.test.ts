/**
 * System: the private session's token.
 *
 * Kraken invalidates the private session's token while a trade is between its buy and its
 * sell (the simulator's invalidateSessions fault: every token dies, even one a live subscription
 * holds, as Kraken's support says tokens sometimes do). The sell is answered with the live text
 * `ESession:Invalid session`; the client fetches a new token at once, the trader's retry sells
 * with it, and the next trade needs nothing special. Nothing is stranded.
 *
 * Kraken refuses the token fetches themselves (REST rate-limited) just after the private socket
 * reconnects: the fetch is retried on that socket, not through a storm of reconnects; the third
 * failure reaches Telegram at once, as does the socket's reopen before it; the recovery is alerted,
 * and trading resumes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startSystem } from './harness.js';
import { assertBooksAgree, balancesByCode } from './ledger-check.js';
import { assertCleanExit, EXIT_DEADLINE_MS, kinds, only, onFirstBuyFill } from './checks.js';
import { startFakeBotApi } from '../notify/fake-bot-api.js';

const BOT_TOKEN = '123456:token-test-bot';
const CHAT = '-100555';

describe('system: session expiry', () => {
  test('a token invalidated between buy and sell: the sell fails with the session error, the token is refreshed, the retry sells', async (t) => {
    const duration = 16;
    const run = await startSystem(t, { args: ['--trade', '--duration', String(duration)] });
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    const off = onFirstBuyFill(run, () => {
      run.sim.venue.expireTokens();
      run.sim.faults.sessionEpoch++;
    });
    t.after(off);
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 10_000);
    const failed = rec.filter((r) => r.kind === 'sell-failed');
    assert.ok(failed.length >= 1, kinds(rec).join(','));
    assert.match(String(failed[0]?.['reason']), /ESession:Invalid session/);
    assert.equal(only(rec, 'outcome')['status'], 'sold', kinds(rec).join(','));
    // The refresh is logged by the private client's session handling.
    await run.waitFor(
      () => run.logRecords().some((r) => r['msg'] === 'private session token refreshed'),
      5_000,
      'token refresh logged',
    );
    // The next trade goes through with the new token, first time.
    const next = await run.dislocateUntilIntent({ direction: 'eur-to-usd', leg: 'buy' }, 8_000);
    const nextRec = await run.waitOutcome(next.tradeId, 8_000);
    assert.equal(only(nextRec, 'outcome')['status'], 'sold', kinds(nextRec).join(','));
    assert.equal(nextRec.filter((r) => r.kind === 'sell-failed').length, 0);
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    const summary = assertCleanExit(run, exit, 'trade');
    assert.deepEqual(summary['strandedInventory'], {});
    assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
  });

  test('token fetches refused after a reconnect: the socket is kept, Telegram is told at once, and at once again when a token comes, then trading goes on', async (t) => {
    // Closed after the program (t.after runs in order), so its stop alert is not retried into a closed port.
    const bot = await startFakeBotApi(BOT_TOKEN, CHAT);
    const duration = 30;
    const run = await startSystem(t, {
      args: ['--trade', '--duration', String(duration)],
      env: {
        TELEGRAM_BOT_TOKEN: BOT_TOKEN,
        TELEGRAM_CHAT_ID: CHAT,
        TELEGRAM_API_URL: bot.url,
        // The refused calls saturate the client's call counter: at this tier a retry waits ~1 s for room.
        KRAKEN_API_TIER: 'pro',
      },
    });
    t.after(() => bot.close());
    const before = balancesByCode(run.sim);
    await run.waitReady(2, true);
    // A message is the label and severity on its first line, then the alert's text.
    const sent = (re: RegExp): boolean => bot.messages.some((m) => re.test(m.text.split('\n')[1] ?? ''));
    const texts = (): string => JSON.stringify(bot.messages.map((m) => m.text));
    const connections = async (): Promise<number> => (await run.wsStats()).private.connectionsTotal;
    const opened = await connections();
    // Kraken refuses every private REST call; the private socket drops and reopens into that.
    run.sim.faults.rateLimited = true;
    try {
      run.sim.faults.dropConnections('private');
      await run
        .waitFor(
          () => sent(/^Private socket has no token: 3 fetches failed in a row \(.+Rate limit.+\); retrying$/),
          20_000,
          'the token alert on Telegram',
        )
        .catch((err: unknown) => {
          throw new Error(`${String(err)}\nTelegram got: ${texts()}`);
        });
      // Not folded into the socket's closed alert, which went out first.
      assert.ok(sent(/^Private socket closed/), `the close was not alerted: ${texts()}`);
      // The reopen is the close's all-clear, sent at once (within the close's dedupe window) though
      // the token is still missing: the socket is up, the session is not.
      await run
        .waitFor(() => sent(/^Private socket open again, after \d+ ms$/), 5_000, 'the reopen on Telegram')
        .catch((err: unknown) => {
          throw new Error(`${String(err)}\nTelegram got: ${texts()}`);
        });
      assert.equal(
        await connections(),
        opened + 1,
        'one reconnect, then the fetches were retried on that socket',
      );
    } finally {
      run.sim.faults.rateLimited = false;
    }
    // Kraken answers again: the retry on the same socket gets a token, and Telegram is told at once,
    // within the failure's one-minute dedupe window (an all-clear is not held as a repeat).
    await run
      .waitFor(
        () => sent(/^Private socket has a token again, after \d+ failed fetches$/),
        15_000,
        'the recovery on Telegram',
      )
      .catch((err: unknown) => {
        throw new Error(`${String(err)}\nTelegram got: ${texts()}`);
      });
    assert.equal(await connections(), opened + 1, 'a reconnect while the token was missing');
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 8_000);
    const rec = await run.waitOutcome(intent.tradeId, 8_000);
    assert.equal(only(rec, 'outcome')['status'], 'sold', kinds(rec).join(','));
    const exit = await run.waitExit(duration * 1000 + EXIT_DEADLINE_MS);
    const summary = assertCleanExit(run, exit, 'trade');
    assert.deepEqual(summary['strandedInventory'], {});
    assertBooksAgree(run.journal(), run.sim, before, summary, run.dirs.journal);
  });
});
