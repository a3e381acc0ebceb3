/**
 * `npm run preflight`: for a user about to go live. Checks, read-only, everything trade mode needs
 * and prints a table: Kraken reachable and its status, clock skew, pairs, the key's permissions
 * (named by Kraken's own errors), a public subscription with its first quotes on v1 and v2, the
 * private subscriptions, balances, fees, whether the trader thread will get its real-time
 * priority, and the configured risk limits with what they mean.
 * It never sends an order. Exit 0 only if trade mode could start.
 *
 * Takes the program's configuration (.env, environment) and flags (`--ws-api`, `--colocated`).
 */
import { execFileSync } from 'node:child_process';
import { loadConfig, type Config } from '../config/config.js';
import { readEnvFile } from '../config/env-file.js';
import {
  KRAKEN_COLO_WS_URLS,
  KRAKEN_WS_URLS,
  resolveEndpoints,
  type KrakenEndpoints,
} from '../kraken/endpoints.js';
import { KrakenRestClient } from '../kraken/rest.js';
import type { PairUniverse } from '../core/pair-universe.js';
import { check, formatTable, passed, type CheckResult } from './check.js';
import { balances, clockSkew, fees, pairs, permissions, reachability } from './rest-checks.js';
import { privateSubscriptions, publicFeed } from './ws-checks.js';
import { riskLimits } from './limits.js';
import { traderScheduling } from './trader-scheduling.js';
import { ownRealtimeGrant } from '../engine/threads/realtime-grant.js';

const EXIT_PASSED = 0;
const EXIT_FAILED = 1;
const REST_TIMEOUT_MS = 10_000;

const HELP = `Usage: npm run preflight -- [--ws-api v1|v2] [--colocated]

Checks, without sending any order, that trade mode could start with this configuration (.env and
the environment, as for npm start -- --trade). Prints a table of checks; exits 0 only if none failed.`;

function hasChrt(): boolean {
  try {
    execFileSync('chrt', ['--version'], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}

function configure(argv: readonly string[]): { config: Config; endpoints: KrakenEndpoints } | CheckResult {
  const envFile = readEnvFile('.env');
  const loaded = loadConfig(
    argv.includes('--trade') ? argv : ['--trade', ...argv],
    process.env,
    envFile.values,
  );
  const problems = [...envFile.problems, ...(loaded.ok ? [] : loaded.problems)];
  if (!loaded.ok || problems.length > 0) return check('Configuration', 'fail', problems.join('; '));
  const config = loaded.config;
  if (config.sim.enabled)
    return check('Configuration', 'fail', 'preflight checks a real venue: --sim is not for it');
  try {
    const endpoints = resolveEndpoints({
      colocated: config.colocated,
      wsApi: config.wsApi,
      restUrl: config.kraken.restUrl ?? undefined,
      wsUrl: config.kraken.wsUrl ?? undefined,
      wsAuthUrl: config.kraken.wsAuthUrl ?? undefined,
    });
    return { config, endpoints };
  } catch (err) {
    return check('Configuration', 'fail', (err as Error).message);
  }
}

/** The other API version's public URL: Kraken's own, unless overrides name only the selected one. */
function otherPublicUrl(config: Config): string | undefined {
  if (config.kraken.wsUrl !== null || config.kraken.restUrl !== null) return undefined;
  const other = config.wsApi === 'v1' ? 'v2' : 'v1';
  return (config.colocated ? KRAKEN_COLO_WS_URLS : KRAKEN_WS_URLS)[other].public;
}

async function feeds(config: Config, endpoints: KrakenEndpoints, u: PairUniverse): Promise<CheckResult[]> {
  const pair = u.coins.find((c) => c.base === 'XBT')?.usd ?? u.coins[0]?.usd;
  if (pair === undefined) return [check('Public feeds', 'skip', 'no coin to subscribe to')];
  const out = [await publicFeed(config.wsApi, endpoints.wsPublic, pair)];
  const other = config.wsApi === 'v1' ? 'v2' : 'v1';
  const url = otherPublicUrl(config);
  if (url === undefined)
    out.push(check(`Public feed ${other}`, 'skip', 'KRAKEN_*_URL name the selected API version only'));
  else {
    // Informational: trade mode uses the selected version only.
    const r = await publicFeed(other, url, pair);
    out.push(r.status === 'fail' ? { ...r, status: 'warn' } : r);
  }
  return out;
}

async function run(argv: readonly string[]): Promise<CheckResult[]> {
  const c = configure(argv);
  if (!('config' in c)) return [c];
  const { config, endpoints } = c;
  const results: CheckResult[] = [
    check(
      'Configuration',
      'ok',
      `WebSocket ${config.wsApi}; REST ${endpoints.rest}; tier ${config.kraken.tier}`,
    ),
    traderScheduling(config.traderRtPriority, config.spin, ownRealtimeGrant, hasChrt),
  ];
  const rest = new KrakenRestClient({
    baseUrl: endpoints.rest,
    apiKey: config.kraken.key ?? undefined,
    apiSecret: config.kraken.secret ?? undefined,
    tier: config.kraken.tier,
    timeoutMs: REST_TIMEOUT_MS,
    maxAttempts: 2,
  });
  const reach = await reachability(rest);
  results.push(reach);
  if (reach.detail.startsWith('unreachable') || reach.detail.startsWith('answered badly')) return results;
  results.push(await clockSkew(rest, () => Date.now()));
  const p = await pairs(rest);
  results.push(p.result);
  if (p.universe === null) return results;
  const coinPair = p.universe.coins.find((x) => x.base === 'XBT')?.usd ?? p.universe.coins[0]?.usd;
  const coinPairId = coinPair?.id ?? '';
  const perms = await permissions(rest, coinPairId);
  results.push(...perms);
  results.push(...(await feeds(config, endpoints, p.universe)));
  const tokenOk = perms.find((r) => r.name === 'Key: GetWebSocketsToken')?.status === 'ok';
  results.push(
    tokenOk
      ? await privateSubscriptions(config.wsApi, endpoints.wsPrivate, rest)
      : check(`Private ${config.wsApi}`, 'skip', 'no WebSocket token (see the key checks)'),
  );
  results.push(await balances(rest));
  results.push(await fees(rest, coinPairId, p.universe.usdtUsd.id));
  results.push(...riskLimits(config));
  return results;
}

async function main(): Promise<void> {
  process.stdout.on('error', () => undefined);
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(HELP + '\n');
    process.exit(EXIT_PASSED);
  }
  const results = await run(argv);
  process.stdout.write(formatTable(results) + '\n');
  process.exit(passed(results) ? EXIT_PASSED : EXIT_FAILED);
}

main().catch((err: unknown) => {
  process.stderr.write(`preflight: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(EXIT_FAILED);
});
