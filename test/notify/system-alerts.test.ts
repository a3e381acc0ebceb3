/**
 * The running program alerts through the Telegram Bot API: start, trades and stop reach a local
 * server that speaks sendMessage, and the bot token never appears in the program's output or logs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeBotApi } from './fake-bot-api.js';
import { distPath } from '../helpers/project-root.js';

const TOKEN = '123456:SECRET-bot-token-value';
const CHAT = '-100777';

test('the running system sends start, trade and stop alerts to Telegram and never logs the token', async (t) => {
  const bot = await startFakeBotApi(TOKEN, CHAT);
  t.after(() => bot.close());
  const dir = mkdtempSync(join(tmpdir(), 'sysalerts-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const child = spawn(
    process.execPath,
    [
      distPath('src', 'main.js'),
      '--sim',
      '--trade',
      '--demo',
      '--sim-coins',
      '30',
      '--sim-dislocations',
      '60',
      '--listeners',
      '2',
      '--duration',
      '8',
    ],
    {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_CHAT_ID: CHAT,
        TELEGRAM_API_URL: bot.url,
        LOG_DIR: join(dir, 'logs'),
        JOURNAL_DIR: join(dir, 'journal'),
        METRICS_DIR: join(dir, 'metrics'),
        MAX_LOCAL_AGE_MS: '50',
      },
    },
  );
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
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
