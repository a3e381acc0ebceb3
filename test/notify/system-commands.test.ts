/**
 * Telegram commands to the running program (trade mode against the simulator), through the local
 * fake Bot API's getUpdates: /status, /stop, /resume and /pnl from the configured chat act and
 * answer; a command from another chat is ignored and logged; /resume is refused while a risk-limit
 * stop holds (MAX_TRADES_PER_MINUTE=2, reached by the test's third dislocation), and /stop then
 * takes the operator's stop on top of it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeBotApi, type FakeBotApi } from './fake-bot-api.js';
import { startSystem, type SystemRun } from '../system/harness.js';
import { EXIT_DEADLINE_MS, only } from '../system/checks.js';

const TOKEN = '777:SECRET-system-commands-token';
const CHAT = '-100321';
const OTHER_CHAT = '-100999';
const REPLY_DEADLINE_MS = 10_000;

/** Sends `text` from the configured chat; returns the first new message matching `expect`. */
async function ask(run: SystemRun, bot: FakeBotApi, text: string, expect: RegExp): Promise<string> {
  const before = bot.messages.length;
  bot.pushMessage(CHAT, text);
  let found: string | undefined;
  try {
    await run.waitFor(
      () => (found = bot.messages.slice(before).find((m) => expect.test(m.text))?.text) !== undefined,
      REPLY_DEADLINE_MS,
      `a reply to ${text} matching ${String(expect)}`,
    );
  } catch (err) {
    const got = JSON.stringify(bot.messages.slice(before).map((m) => m.text));
    throw new Error(`${(err as Error).message}\nmessages since: ${got}`);
  }
  return found as string;
}

test('Telegram commands from the configured chat steer the running program; other chats are ignored', async (t) => {
  const bot = await startFakeBotApi(TOKEN, CHAT);
  t.after(() => bot.close());
  const run = await startSystem(t, {
    args: ['--trade'],
    env: {
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_CHAT_ID: CHAT,
      TELEGRAM_API_URL: bot.url,
      MAX_TRADES_PER_MINUTE: '2',
    },
  });
  await run.waitReady(2, true);
  assert.match(run.stdout, /Telegram commands on: \/status \/pnl \/stop \/resume/);
  // The poller is past its start-up skip once it has asked twice.
  await run.waitFor(() => bot.getUpdatesCalls >= 1, 10_000, 'the command poller');

  assert.match(
    await ask(run, bot, '/status', /trading: ON/),
    /trade mode, the built-in simulator|trade mode/,
  );
  bot.pushMessage(OTHER_CHAT, '/stop');
  await run.waitFor(
    () =>
      run.logHas(
        (r) => r['msg'] === 'telegram: message from another chat ignored' && r['chatId'] === OTHER_CHAT,
      ),
    REPLY_DEADLINE_MS,
    'the other chat logged as ignored',
  );
  await ask(run, bot, '/status', /trading: ON/);

  await ask(run, bot, '/stop', /trading stopped by the operator \(telegram\)/);
  await ask(run, bot, '/status', /trading: STOPPED \(operator stop\) — \/resume to restart/);
  await ask(run, bot, '/resume', /trading resumed by the operator \(telegram\)/);

  for (let i = 0; i < 2; i++) {
    const intent = await run.dislocateUntilIntent({ direction: 'usd-to-eur', leg: 'buy' }, 10_000);
    assert.equal(only(await run.waitOutcome(intent.tradeId, 8_000), 'outcome')['status'], 'sold');
  }
  const riskStop = (): true | undefined =>
    run.logHas((r) => r['msg'] === 'risk limit reached: trading stopped (evaluation continues)')
      ? true
      : undefined;
  await run.dislocateUntil(
    { direction: 'usd-to-eur', leg: 'buy' },
    riskStop,
    15_000,
    'the max-trades-per-minute stop',
  );
  await ask(run, bot, '/resume', /not resumed: risk limit max-trades-per-minute holds/);
  // The operator's stop is taken on top of the risk stop (it holds across restarts; the risk stop too).
  await ask(
    run,
    bot,
    '/stop',
    /trading stopped by the operator \(telegram\) \(risk limit max-trades-per-minute also holds\)/,
  );
  await ask(
    run,
    bot,
    '/status',
    /trading: STOPPED \(risk limit max-trades-per-minute, and an operator stop\) — \/resume is refused/,
  );
  const pnl = await ask(run, bot, '/pnl', /^kraken-arb · INFO\nPnL this run: [+−]\d+\.\d\d USD/);
  assert.match(pnl, /trades: 2: 2 sold/);

  run.child.kill('SIGTERM');
  const exit = await run.waitExit(EXIT_DEADLINE_MS);
  assert.deepEqual(exit, { code: 0, signal: null }, run.describe());
  const logs = JSON.stringify(run.logRecords());
  assert.ok(
    !run.stdout.includes('SECRET-system') &&
      !run.stderr.includes('SECRET-system') &&
      !logs.includes('SECRET-system'),
  );
  assert.ok(
    bot.messages.every((m) => String(m.chatId) === CHAT),
    'a reply went to another chat',
  );
});
