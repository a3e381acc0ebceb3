/**
 * The live dashboard in a real headless browser (Debian's chromium, driven by playwright-core; no
 * browser is downloaded) during a demo run: the page goes live, trades appear as they happen with
 * their legs and fills, the guarded stop control stops trading through the shared flag (the
 * listeners count the opportunities they drop, no trade starts), and resume starts it again.
 * Screenshots go to test-artifacts/dashboard/ (git-ignored) for a person to look at.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startDemo } from '../helpers/run-demo.js';
import { PROJECT_ROOT } from '../helpers/project-root.js';
import { requireProgram } from '../helpers/prerequisites.js';
import { waitFor } from '../helpers/influxd.js';
import { readJournal } from '../../src/journal/journal-reader.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(PROJECT_ROOT, 'test-artifacts', 'dashboard');
const RUN_SECONDS = 120;

test('the dashboard shows trades as they happen, and its guarded stop stops trading', async (t) => {
  requireProgram('chromium', CHROMIUM);
  mkdirSync(ARTIFACTS, { recursive: true });
  const demo = startDemo(t, RUN_SECONDS, {}, ['--dashboard', '0']);
  let url = '';
  await waitFor(
    () => (url = /\n {2}dashboard (http:\/\/127\.0\.0\.1:\d+\/)\n/.exec(demo.output())?.[1] ?? '') !== '',
    30_000,
    'the dashboard URL in the banner',
  );
  const userDataDir = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
  const browser = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
  });
  // One hook, in this order: node:test runs after-hooks first-registered first, and removing the
  // profile while chromium still writes it failed (ENOTEMPTY) and left the browser running.
  t.after(async () => {
    await browser.close();
    rmSync(userDataDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await page.goto(url);
  await page.locator('#connection', { hasText: 'live' }).waitFor({ timeout: 15_000 });
  await page.locator('#feeds .pill.ok', { hasText: 'online' }).nth(1).waitFor({ timeout: 20_000 });

  // Trades as they happen: a sold one with its buy and sell legs and their fills.
  const sold = page.locator('.trade[data-status="sold"]').first();
  await sold.waitFor({ timeout: 60_000 });
  const trade = await sold.innerText();
  assert.match(trade, /buy \S+\/(USD|EUR): 1 order, \d+ fills?/);
  assert.match(trade, /sell \S+\/(USD|EUR): \d+ orders?, [1-9]\d* fills?/);
  assert.match(trade, /[+−]\d+\.\d\d USD/);
  assert.match(await page.locator('#latency').innerText(), /decision → send\s+\d/);
  assert.match(await page.locator('#opportunities').innerText(), /\d+ found/);
  assert.ok((await page.locator('#roi-histogram svg rect').count()) > 0, 'no ROI histogram');
  assert.match(await page.locator('#pnl').innerText(), /USD over \d+ sold/);
  assert.match(await page.locator('#drops').innerText(), /pair offline|trader busy/);
  await page.screenshot({ path: join(ARTIFACTS, '1-trading.png'), fullPage: true });

  // The guarded stop: a confirmation first, then the shared trading flag.
  await page.click('#stop-trading');
  await page.locator('#confirm-stop').waitFor({ state: 'visible' });
  await page.screenshot({ path: join(ARTIFACTS, '2-confirm-stop.png') });
  await page.click('#confirm-stop-yes');
  await page
    .locator('#trading-state', { hasText: 'trading stopped: operator stop' })
    .waitFor({ timeout: 10_000 });
  const stoppedAtUs = Date.now() * 1000;
  assert.match(
    await page.locator('#control-message').innerText(),
    /trading stopped by the operator \(dashboard\)/,
  );
  assert.equal(await page.locator('#stop-trading').isDisabled(), true);
  // The listeners see the flag: the dislocations that keep coming are dropped as "trading stopped".
  await page
    .locator('#drops td', { hasText: /^trading stopped$/ })
    .first()
    .waitFor({ timeout: 30_000 });
  await page.screenshot({ path: join(ARTIFACTS, '3-stopped.png'), fullPage: true });
  const resumeAtUs = Date.now() * 1000;
  await page.click('#resume-trading');
  await page.locator('#trading-state', { hasText: 'trading on' }).waitFor({ timeout: 10_000 });

  // Checked before the program goes away (the page's event stream then fails to reconnect).
  assert.deepEqual(pageErrors, []);
  await page.close();
  demo.child.kill('SIGTERM');
  assert.equal(await demo.exited, 0, demo.output().slice(-2000));
  // No trade started while trading was stopped (one in flight at the click may finish).
  const intents = readJournal(join(demo.dir, 'journal')).filter((r) => r.kind === 'intent');
  assert.ok(intents.length > 0);
  const during = intents.filter((r) => r.ts > stoppedAtUs && r.ts < resumeAtUs);
  assert.deepEqual(during, [], 'a trade started while trading was stopped');
  const logDir = join(demo.dir, 'logs');
  const log = readdirSync(logDir)
    .filter((f) => f.endsWith('.log'))
    .map((f) => readFileSync(join(logDir, f), 'utf8'))
    .join('');
  assert.match(log, /trading stopped by the operator \(dashboard\)/);
  assert.match(log, /trading resumed by the operator \(dashboard\)/);
});
