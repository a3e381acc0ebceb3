// TelegramNotifier against a local server speaking the Bot API's sendMessage.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TelegramNotifier } from '../../src/notify/telegram-notifier.js';
import { LogOnlyNotifier } from '../../src/notify/log-only-notifier.js';
import { createNotifier } from '../../src/notify/create-notifier.js';
import { feedDownAlert, startAlert, stopAlert, tradeAlert } from '../../src/notify/alerts.js';
import type { NotifyLog } from '../../src/notify/notifier.js';
import { serverError, startFakeBotApi, tooManyRequests, type FakeBotApi } from './fake-bot-api.js';
import { waitFor } from '../helpers/influxd.js';

const token = '123456:ABC-secret_token';
const chatId = '-1001234567';

function memLog(): NotifyLog & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => void lines.push(`info ${m}`),
    warn: (m) => void lines.push(`warn ${m}`),
    error: (m) => void lines.push(`error ${m}`),
  };
}

const servers: FakeBotApi[] = [];
async function api(): Promise<FakeBotApi> {
  const s = await startFakeBotApi(token, chatId);
  servers.push(s);
  return s;
}
after(async () => {
  for (const s of servers) await s.close();
});

function notifier(
  s: FakeBotApi,
  log: NotifyLog,
  extra: Partial<ConstructorParameters<typeof TelegramNotifier>[0]> = {},
): TelegramNotifier {
  return new TelegramNotifier({
    token,
    chatId,
    apiUrl: s.url,
    log,
    retryBaseMs: 10,
    retryMaxMs: 50,
    ...extra,
  });
}

describe('TelegramNotifier', () => {
  test('sends JSON with the text intact: quotes, ampersands, newlines, Unicode', async () => {
    const s = await api();
    const n = notifier(s, memLog());
    const text = 'a & b = "c" ?d=#e\nzweite Zeile 💶 <b>not html</b> %20';
    n.notify({ key: 'k', severity: 'info', text });
    await waitFor(() => s.messages.length === 1, 5000, 'message');
    const stats = await n.close();
    assert.equal(s.messages[0]?.text, `kraken-arb · INFO\n${text}`);
    assert.equal(s.messages[0]?.chatId, chatId);
    assert.match(s.messages[0]?.contentType ?? '', /^application\/json/);
    assert.equal(stats.sent, 1);
    assert.equal(stats.failed, 0);
  });

  test('a reconnect storm becomes one message now and one with the count', async () => {
    const s = await api();
    let now = 0;
    const n = notifier(s, memLog(), { nowMs: () => now });
    for (let i = 0; i < 50; i++) n.notify(feedDownAlert(1, 'listener-1', `ECONNRESET #${i}`));
    await waitFor(() => s.messages.length === 1, 5000, 'first message');
    now = 61_000; // the dedupe window has passed; close() turns what is held into its summary
    await n.close();
    assert.equal(s.messages.length, 2);
    assert.match(s.messages[1]?.text ?? '', /ECONNRESET #49\n\(repeated 49 more times/);
  });

  test('429 with retry_after: waits and retries, then delivers', async () => {
    const s = await api();
    s.script.push(tooManyRequests(0), tooManyRequests(1));
    const log = memLog();
    const n = notifier(s, log);
    n.notify(startAlert('evaluation'));
    await waitFor(() => s.messages.length === 1, 10_000, 'delivery after 429s');
    const stats = await n.close();
    assert.equal(s.requests, 3);
    assert.equal(stats.sent, 1);
    assert.ok(log.lines.some((l) => l.includes('retrying in 1000 ms') && l.includes('HTTP 429')));
  });

  test('5xx is retried with backoff up to maxAttempts, then dropped and counted', async () => {
    const s = await api();
    s.script.push(serverError, serverError);
    const n = notifier(s, memLog(), { maxAttempts: 3 });
    n.notify(startAlert('trade'));
    await waitFor(() => s.messages.length === 1, 5000, 'delivery after 500s');
    s.script.push(serverError, serverError, serverError);
    n.notify(stopAlert('SIGTERM', '3 trades, PnL 1.20 USD'));
    await waitFor(() => n.stats().failed === 1, 5000, 'give-up after 3 attempts');
    const stats = await n.close();
    assert.equal(stats.sent, 1);
    assert.equal(s.requests, 6);
  });

  test('400 chat not found is not retried; the token never appears in errors or logs', async () => {
    const s = await api();
    const log = memLog();
    const n = new TelegramNotifier({ token, chatId: '42', apiUrl: s.url, log });
    n.notify(startAlert('evaluation'));
    await waitFor(() => n.stats().failed === 1, 5000, 'refusal');
    const stats = await n.close();
    assert.equal(s.requests, 1);
    assert.match(stats.lastError ?? '', /HTTP 400 Bad Request: chat not found/);
    for (const l of [...log.lines, stats.lastError ?? ''])
      assert.ok(!l.includes(token) && !l.includes('ABC-secret'), l);
  });

  test('Telegram down: notify never throws or blocks; errors name no token; queue stays bounded', async () => {
    const s = await api();
    const url = s.url;
    await s.close();
    servers.splice(servers.indexOf(s), 1);
    const log = memLog();
    const n = new TelegramNotifier({
      token,
      chatId,
      apiUrl: url,
      log,
      maxQueue: 5,
      retryBaseMs: 5,
      retryMaxMs: 20,
      maxAttempts: 2,
      policy: { maxPerWindow: 1000 },
    });
    for (let i = 0; i < 50; i++) n.notify({ key: `k${i}`, severity: 'warning', text: `t${i}` });
    assert.ok(n.stats().queued <= 5);
    await waitFor(() => n.stats().queued === 0, 10_000, 'queue to empty');
    const stats = await n.close(100);
    assert.equal(stats.sent, 0);
    assert.equal(stats.failed, 50);
    assert.match(stats.lastError ?? '', /ECONNREFUSED|fetch failed/);
    for (const l of log.lines) assert.ok(!l.includes(token), l);
  });

  test('a logger that throws breaks nothing', async () => {
    const s = await api();
    s.script.push(tooManyRequests(0), {
      status: 400,
      body: { ok: false, error_code: 400, description: 'Bad Request' },
    });
    const boom = (): never => {
      throw new Error('log down');
    };
    const n = notifier(s, { info: boom, warn: boom, error: boom });
    assert.doesNotThrow(() => n.notify(startAlert('evaluation')));
    await waitFor(() => n.stats().failed === 1, 5000, 'refusal after a 429');
    n.notify(stopAlert('SIGINT', '')); // another key: the 'start' key is held by dedupe now
    await waitFor(() => s.messages.length === 1, 5000, 'next message still delivered');
    await n.close();
  });

  test('a hanging server does not hold shutdown past its timeout', async () => {
    const s = await api();
    s.script.push('hang');
    const n = notifier(s, memLog());
    n.notify(
      tradeAlert({
        tradeId: 't1',
        status: 'stranded',
        buyPair: 'SOL/USD',
        sellPair: 'SOL/EUR',
        boughtVolume: 1,
        soldVolume: 0,
        pnlUsd: 0,
        pnlEur: 0,
        strandedVolume: 1,
        strandedAsset: 'SOL',
        strandedValueUsd: 0,
        dustVolume: 0,
      }),
    );
    await waitFor(() => s.requests === 1, 5000, 'request to arrive');
    const stats = await n.close(200);
    assert.equal(stats.failed, 1);
    assert.equal(stats.queued, 0);
  });
});

describe('without Telegram settings', () => {
  test('createNotifier falls back to the log; alerts are logged by severity', async () => {
    const log = memLog();
    const n = createNotifier({ telegramBotToken: '', telegramChatId: chatId }, log);
    assert.ok(n instanceof LogOnlyNotifier);
    n.notify(
      tradeAlert({
        tradeId: 't9',
        status: 'stranded',
        buyPair: 'SOL/USD',
        sellPair: 'SOL/EUR',
        boughtVolume: 2,
        soldVolume: 1,
        pnlUsd: -0.5,
        pnlEur: 0,
        strandedVolume: 1,
        strandedAsset: 'SOL',
        strandedValueUsd: 0,
        dustVolume: 0,
      }),
    );
    const stats = await n.close();
    assert.equal(stats.raised, 1);
    assert.ok(
      log.lines.some((l) => l.startsWith('error alert: trade t9 stranded') && l.includes('STRANDED 1 SOL')),
    );
  });

  test('createNotifier uses Telegram and the API URL override when both settings are there', async () => {
    const s = await api();
    const n = createNotifier(
      { telegramBotToken: token, telegramChatId: chatId, telegramApiUrl: `${s.url}/` },
      memLog(),
    );
    assert.equal(n.kind, 'telegram');
    n.notify(startAlert('sim'));
    await waitFor(() => s.messages.length === 1, 5000, 'message');
    await n.close();
  });
});
