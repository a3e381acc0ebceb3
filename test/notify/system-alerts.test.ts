/**
 * The running program alerts through the Telegram Bot API: start, trades and stop reach a local
 * server that speaks sendMessage, and the bot token never appears in the program's output or logs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startFakeBotApi } from './fake-bot-api.js';
import { runDemo } from '../helpers/run-demo.js';

const TOKEN = '123456:SECRET-bot-token-value';
const CHAT = '-100777';

test('the running system sends start, trade and stop alerts to Telegram and never logs the token', async (t) => {
  const bot = await startFakeBotApi(TOKEN, CHAT);
  t.after(() => bot.close());
  const {
    dir,
    code,
    output: out,
  } = await runDemo(t, 8, {
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_CHAT_ID: CHAT,
    TELEGRAM_API_URL: bot.url,
  });
  assert.equal(code, 0, out.slice(-1500));
  const texts = bot.messages.map((m) => m.text);
  assert.ok(bot.messages.every((m) => String(m.chatId) === CHAT));
  assert.ok(
    texts.some((x) => /start/i.test(x) && /trade/i.test(x)),
    `no start alert in ${JSON.stringify(texts)}`,
  );
  assert.ok(
    texts.some((x) => /stop/i.test(x)),
    `no stop alert in ${JSON.stringify(texts)}`,
  );
  assert.ok(
    texts.some((x) => /Trade .*done|trade/i.test(x) && /PnL/.test(x)),
    `no trade alert in ${JSON.stringify(texts)}`,
  );
  const logs = readdirSync(join(dir, 'logs'))
    .map((f) => readFileSync(join(dir, 'logs', f), 'utf8'))
    .join('\n');
  assert.ok(!out.includes('SECRET-bot-token') && !logs.includes('SECRET-bot-token'), 'the bot token leaked');
});
