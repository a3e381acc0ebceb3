/**
 * Telegram commands through getUpdates against the local fake Bot API: only the configured chat is
 * obeyed, other chats are ignored and logged, commands sent before start-up are skipped, failures
 * are logged with the token redacted and never stop the loop.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { commandOf, HELP_TEXT, TelegramCommands } from '../../src/notify/telegram-commands.js';
import { startFakeBotApi, type FakeBotApi } from './fake-bot-api.js';
import { waitFor } from '../helpers/influxd.js';

const TOKEN = '4242:SECRET-commands-token';
const CHAT = '-100555';

interface Harness {
  bot: FakeBotApi;
  commands: TelegramCommands;
  replies: Array<{ key: string; text: string }>;
  calls: string[];
  logs: string[];
}

async function setup(
  t: TestContext,
  o: { token?: string; before?: (bot: FakeBotApi) => void } = {},
): Promise<Harness> {
  const bot = await startFakeBotApi(TOKEN, CHAT);
  t.after(() => bot.close());
  o.before?.(bot);
  const replies: Harness['replies'] = [];
  const calls: string[] = [];
  const logs: string[] = [];
  const log = (level: string) => (msg: string, f?: Record<string, unknown>) =>
    logs.push(`${level} ${msg} ${JSON.stringify(f ?? {})}`);
  const commands = new TelegramCommands({
    token: o.token ?? TOKEN,
    chatId: CHAT,
    apiUrl: bot.url,
    pollTimeoutS: 1,
    retryBaseMs: 20,
    retryMaxMs: 50,
    log: { info: log('info'), warn: log('warn'), error: log('error') },
    reply: (key, text) => replies.push({ key, text }),
    handlers: {
      status: () => (calls.push('status'), 'status: trading ON'),
      pnl: () => (calls.push('pnl'), 'PnL +1.00 USD'),
      stop: () => (calls.push('stop'), 'trading stopped'),
      resume: () => (calls.push('resume'), 'trading resumed'),
    },
  });
  t.after(() => commands.close());
  return { bot, commands, replies, calls, logs };
}

test('command words: /stop, /stop@Bot args, case; anything else is not a command', () => {
  assert.equal(commandOf('/stop'), 'stop');
  assert.equal(commandOf('  /Resume@kraken_arb_bot now'), 'resume');
  assert.equal(commandOf('stop'), null);
  assert.equal(commandOf('/'), null);
  assert.equal(commandOf(42), null);
});

test('the configured chat is obeyed and answered; other chats are ignored and logged', async (t) => {
  const h = await setup(t);
  h.commands.start();
  await waitFor(() => h.bot.getUpdatesCalls >= 1, 5_000, 'the first getUpdates');
  h.bot.pushMessage(CHAT, '/status');
  h.bot.pushMessage('-100999', '/stop');
  h.bot.pushMessage(CHAT, '/stop@kraken_arb_bot');
  h.bot.pushMessage(CHAT, 'hello');
  h.bot.pushMessage(CHAT, '/help');
  await waitFor(() => h.replies.length >= 3, 5_000, 'three replies');
  assert.deepEqual(h.calls, ['status', 'stop']);
  assert.deepEqual(
    h.replies.map((r) => r.text),
    ['status: trading ON', 'trading stopped', HELP_TEXT],
  );
  assert.ok(h.replies.every((r) => /^command:\d+$/.test(r.key)));
  assert.equal(h.commands.ignored, 1);
  assert.ok(
    h.logs.some(
      (l) =>
        l.startsWith('warn telegram: message from another chat ignored') &&
        l.includes('-100999') &&
        l.includes('"command":"stop"'),
    ),
    h.logs.join('\n'),
  );
});

test('commands sent before start-up are skipped, never acted on', async (t) => {
  const h = await setup(t, {
    before: (bot) => {
      bot.pushMessage(CHAT, '/stop');
      bot.pushMessage(CHAT, '/resume');
    },
  });
  h.commands.start();
  await waitFor(
    () => h.logs.some((l) => l.includes('commands sent before start-up skipped')),
    5_000,
    'the skip',
  );
  h.bot.pushMessage(CHAT, '/pnl');
  await waitFor(() => h.replies.length >= 1, 5_000, 'the /pnl reply');
  assert.deepEqual(h.calls, ['pnl']);
});

test('a refused token is logged redacted and retried with backoff; close ends the loop', async (t) => {
  const h = await setup(t, { token: '4242:SECRET-wrong-token' });
  h.commands.start();
  await waitFor(() => h.bot.requests >= 3, 5_000, 'retries');
  await h.commands.close();
  const warnings = h.logs.filter((l) => l.includes('telegram commands: getUpdates: HTTP 401'));
  assert.equal(warnings.length, 1, h.logs.join('\n')); // logged once per kind, not per retry
  assert.ok(!h.logs.join('\n').includes('SECRET-wrong-token'));
});
