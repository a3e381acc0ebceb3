/**
 * One validated, read-only Config from `.env`, the environment (which wins) and the flags.
 * Every problem is reported at once, by variable name; a secret's value never appears in a problem.
 */
import { VARIABLES } from './variables.js';
import { parseFlags, type Flags } from './flags.js';
import { checkValue } from './value-check.js';
import { unknownNameProblems } from './name-check.js';

export type ApiTier = 'starter' | 'intermediate' | 'pro';

export interface Config {
  readonly mode: 'evaluate' | 'trade';
  readonly colocated: boolean;
  readonly debug: boolean;
  readonly spin: boolean;
  /** --clear-risk-stop: the trader journals a risk-clear before it starts. */
  readonly clearRiskStop: boolean;
  /** DRILL_CRASH_AFTER_SEND (loopback only): kill the process right after the first buy's send. */
  readonly drillCrashAfterSend: boolean;
  readonly wsApi: 'v1' | 'v2';
  readonly listeners: number;
  /** TRADER_RT_PRIORITY: SCHED_FIFO priority of the trader thread; 0 = ordinary scheduling. */
  readonly traderRtPriority: number;
  /** TRADER_HOSTS_LISTENER: listener 0 runs in the trader's thread, not its own. */
  readonly traderHostsListener: boolean;
  readonly durationS: number | null;
  readonly recordFile: string | null;
  readonly sim: {
    readonly enabled: boolean;
    readonly demo: boolean;
    readonly rate: number;
    readonly dislocationsPerMin: number;
    readonly coins: number;
    readonly seed: number;
  };
  readonly kraken: {
    readonly key: string | null;
    readonly secret: string | null;
    readonly restUrl: string | null;
    readonly wsUrl: string | null;
    readonly wsAuthUrl: string | null;
    readonly tier: ApiTier;
    /** Connection attempts per rolling 10 minutes, the whole process together. */
    readonly connectionBudget: number;
  };
  readonly strategy: {
    readonly minRoi: number;
    readonly maxLocalAgeMs: number;
    readonly maxExchangeAgeMs: number;
    readonly fillTimeoutMs: number;
    readonly orderDeadlineMs: number;
    readonly pairStatusRefreshMs: number;
    readonly postTradePauseMs: number;
    readonly maxOrderValue: number;
  };
  readonly risk: {
    readonly maxTradesPerMinute: number;
    readonly maxDailyLoss: number;
    readonly maxConsecutiveFailures: number;
    readonly sellRetries: number;
  };
  readonly influx: {
    readonly host: string | null;
    readonly port: number;
    readonly protocol: 'http' | 'https';
    readonly db: string;
    readonly user: string | null;
    readonly password: string | null;
    readonly adminUser: string | null;
    readonly adminPassword: string | null;
    readonly rp: string;
    readonly rpDuration: string;
  };
  readonly telegram: {
    readonly token: string | null;
    readonly chatId: string | null;
    readonly apiUrl: string;
  };
  readonly paths: { readonly logDir: string; readonly journalDir: string; readonly metricsDir: string };
  /** What keeps a long run's files and disk use bounded. */
  readonly bounds: {
    readonly logFileMaxBytes: number;
    readonly logMaxTotalBytes: number;
    readonly logMaxAgeMs: number;
    readonly metricsFileMaxBytes: number;
    readonly metricsMaxTotalBytes: number;
    readonly metricsMaxAgeMs: number;
    readonly diskWarnFreeBytes: number;
    readonly diskStopFreeBytes: number;
  };
  /** `--dashboard`: where it listens and its token; null: no dashboard. */
  readonly dashboard: { readonly host: string; readonly port: number; readonly token: string | null } | null;
}

export type ConfigResult =
  | {
      ok: true;
      config: Config;
      flags: Flags;
      /** The text each variable took, and where from (`default`, `environment`, `.env:12`). */
      values: Readonly<Record<string, string>>;
      sources: Readonly<Record<string, string>>;
    }
  | { ok: false; problems: string[]; flags: Flags };

/** `--duration` range: anything up to 10 years (armed in chunks: long-timer.ts). */
export const MAX_DURATION_S = 315_360_000;
const MB = 1024 * 1024;
const HOUR_MS = 3_600_000;

/** Where the `.env` values came from, for messages and `--check-config`. */
export interface EnvFileOrigin {
  readonly fileName: string;
  readonly lines: Readonly<Record<string, number>>;
}

interface Chosen {
  raw: Map<string, string>;
  sources: Record<string, string>;
}

/** Picks each variable's text (environment, then .env, then the default) and checks it. */
function chooseValues(
  env: Readonly<Record<string, string | undefined>>,
  envFile: Readonly<Record<string, string>>,
  origin: EnvFileOrigin,
  problems: string[],
): Chosen {
  const raw = new Map<string, string>();
  const sources: Record<string, string> = {};
  const at = (name: string): string => `${origin.fileName}:${origin.lines[name] ?? '?'}`;
  for (const spec of VARIABLES) {
    const fromEnv = env[spec.name];
    const fromFile = envFile[spec.name];
    const useDefault = `remove it to use the default${spec.default === '' ? '' : ` (${spec.default})`}`;
    if (fromEnv !== undefined && fromEnv.trim() === '' && spec.optional !== true)
      problems.push(`${spec.name} is set but empty in the environment; give it a value or ${useDefault}`);
    if (fromFile !== undefined && fromFile.trim() === '' && spec.optional !== true)
      problems.push(`${at(spec.name)}: ${spec.name} is empty; give it a value or ${useDefault}`);
    let chosen = spec.default;
    sources[spec.name] = 'default';
    if (fromEnv !== undefined && fromEnv.trim() !== '') {
      chosen = fromEnv.trim();
      sources[spec.name] = 'environment';
    } else if (fromFile !== undefined && fromFile.trim() !== '') {
      chosen = fromFile.trim();
      sources[spec.name] = at(spec.name);
    }
    if (chosen !== '') {
      const problem = checkValue(spec, chosen);
      if (problem) problems.push(`${sources[spec.name]}: ${problem}`);
    }
    raw.set(spec.name, chosen);
  }
  const named = [
    ...Object.keys(env).map((name) => ({ name, where: 'environment' })),
    ...Object.keys(envFile).map((name) => ({ name, where: at(name) })),
  ];
  problems.push(
    ...unknownNameProblems(
      named,
      VARIABLES.map((v) => v.name),
    ),
  );
  return { raw, sources };
}

export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  envFile: Readonly<Record<string, string>> = {},
  origin: EnvFileOrigin = { fileName: '.env', lines: {} },
): ConfigResult {
  const { flags, problems } = parseFlags(argv);
  const { raw, sources } = chooseValues(env, envFile, origin, problems);
  const read = reader(raw);
  const credentials = krakenCredentials(flags, read, problems);
  if (flags.listeners !== undefined) sources['LISTENERS'] = 'flag --listeners';
  const listeners = flags.listeners ?? read.num('LISTENERS');
  problems.push(...flagProblems(flags, listeners, read.num('TRADER_RT_PRIORITY')));
  if ((read.opt('TELEGRAM_BOT_TOKEN') === null) !== (read.opt('TELEGRAM_CHAT_ID') === null)) {
    problems.push('TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID go together: set both or neither');
  }
  problems.push(...crossChecks(read.str, read.num));

  const dashboard = dashboardConfig(flags, read.str('DASHBOARD_HOST'), read.opt('DASHBOARD_TOKEN'), problems);

  if (problems.length > 0) return { ok: false, problems, flags };
  const config = buildConfig(flags, read, credentials, listeners, dashboard);
  return { ok: true, config, flags, values: Object.fromEntries(raw), sources };
}

/** A chosen variable's text, read as text, as text or null when empty, or as a number. */
interface Read {
  str(name: string): string;
  opt(name: string): string | null;
  num(name: string): number;
}

function reader(raw: ReadonlyMap<string, string>): Read {
  const str = (name: string): string => raw.get(name) ?? '';
  return { str, opt: (name) => (str(name) === '' ? null : str(name)), num: (name) => Number(str(name)) };
}

interface Credentials {
  readonly key: string | null;
  readonly secret: string | null;
}

function krakenCredentials(flags: Flags, read: Read, problems: string[]): Credentials {
  // The simulator hands out its own credentials; real ones must never be sent to it.
  if (flags.sim) return { key: null, secret: null };
  const key = read.opt('KRAKEN_KEY');
  const secret = read.opt('KRAKEN_SECRET');
  if (flags.trade && (key === null || secret === null)) {
    problems.push(
      '--trade needs KRAKEN_KEY and KRAKEN_SECRET (or run with --sim); evaluation mode needs neither',
    );
  }
  return { key, secret };
}

/**
 * Flags that exclude or need each other (or a setting: --spin and a real-time trader), and the
 * ranges of --listeners and --duration.
 */
function flagProblems(flags: Flags, listeners: number, traderRtPriority: number): string[] {
  const problems: string[] = [];
  if (flags.spin && traderRtPriority > 0)
    problems.push(
      '--spin and TRADER_RT_PRIORITY exclude each other: a spinning real-time trader would starve the fetcher and everything else on its CPU; to spin, set TRADER_RT_PRIORITY=0 or remove it',
    );
  if (flags.demo && !flags.sim) problems.push('--demo needs --sim');
  if (flags.colocated && flags.sim) problems.push('--colocated and --sim exclude each other');
  if (!Number.isInteger(listeners) || listeners < 1 || listeners > 64)
    problems.push('--listeners must be a whole number from 1 to 64');
  if (flags.durationS !== undefined && !(flags.durationS > 0 && flags.durationS <= MAX_DURATION_S))
    problems.push(`--duration must be more than 0 and at most ${MAX_DURATION_S} seconds (10 years)`);
  return problems;
}

function buildConfig(
  flags: Flags,
  read: Read,
  credentials: Credentials,
  listeners: number,
  dashboard: Config['dashboard'],
): Config {
  const { str, opt, num } = read;
  return {
    mode: flags.trade ? 'trade' : 'evaluate',
    colocated: flags.colocated,
    debug: flags.debug,
    spin: flags.spin,
    clearRiskStop: flags.clearRiskStop,
    drillCrashAfterSend: str('DRILL_CRASH_AFTER_SEND') === 'true',
    wsApi: flags.wsApi ?? 'v1',
    listeners,
    traderRtPriority: num('TRADER_RT_PRIORITY'),
    traderHostsListener: str('TRADER_HOSTS_LISTENER') === 'true',
    durationS: flags.durationS ?? null,
    recordFile: flags.recordFile ?? null,
    sim: simSettings(flags),
    kraken: krakenSettings(flags, read, credentials),
    strategy: strategySettings(read),
    risk: {
      maxTradesPerMinute: num('MAX_TRADES_PER_MINUTE'),
      maxDailyLoss: num('MAX_DAILY_LOSS'),
      maxConsecutiveFailures: num('MAX_CONSECUTIVE_FAILURES'),
      sellRetries: num('SELL_RETRIES'),
    },
    influx: influxSettings(read),
    telegram: {
      token: opt('TELEGRAM_BOT_TOKEN'),
      chatId: opt('TELEGRAM_CHAT_ID'),
      apiUrl: str('TELEGRAM_API_URL'),
    },
    paths: { logDir: str('LOG_DIR'), journalDir: str('JOURNAL_DIR'), metricsDir: str('METRICS_DIR') },
    bounds: boundsSettings(read),
    dashboard,
  };
}

function simSettings(flags: Flags): Config['sim'] {
  return {
    enabled: flags.sim,
    demo: flags.demo,
    rate: flags.simRate ?? 2000,
    dislocationsPerMin: flags.simDislocationsPerMin ?? (flags.demo ? 30 : 0),
    coins: flags.simCoins ?? 520,
    seed: flags.simSeed ?? 1,
  };
}

/** With --sim, no configured Kraken URL is used: the simulator gives its own. */
function krakenSettings(flags: Flags, { str, opt, num }: Read, credentials: Credentials): Config['kraken'] {
  return {
    key: credentials.key,
    secret: credentials.secret,
    restUrl: flags.sim ? null : opt('KRAKEN_REST_URL'),
    wsUrl: flags.sim ? null : opt('KRAKEN_WS_URL'),
    wsAuthUrl: flags.sim ? null : opt('KRAKEN_WS_AUTH_URL'),
    tier: str('KRAKEN_API_TIER') as ApiTier,
    connectionBudget: num('KRAKEN_CONNECTION_BUDGET'),
  };
}

function strategySettings({ num }: Read): Config['strategy'] {
  return {
    minRoi: num('MIN_ROI'),
    maxLocalAgeMs: num('MAX_LOCAL_AGE_MS'),
    maxExchangeAgeMs: num('MAX_EXCHANGE_AGE_MS'),
    fillTimeoutMs: num('FILL_TIMEOUT_MS'),
    orderDeadlineMs: num('ORDER_DEADLINE_MS'),
    pairStatusRefreshMs: num('PAIR_STATUS_REFRESH_MS'),
    postTradePauseMs: num('POST_TRADE_PAUSE_MS'),
    maxOrderValue: num('MAX_ORDER_VALUE'),
  };
}

function influxSettings({ str, opt, num }: Read): Config['influx'] {
  return {
    host: opt('INFLUXDB_HOST'),
    port: num('INFLUXDB_PORT'),
    protocol: str('INFLUXDB_PROTOCOL') as 'http' | 'https',
    db: str('DB_NAME'),
    user: opt('DB_USER'),
    password: opt('DB_PASSWORD'),
    adminUser: opt('DB_ADMIN_USER'),
    adminPassword: opt('DB_ADMIN_PASSWORD'),
    rp: str('RP_NAME'),
    rpDuration: str('RP_DURATION'),
  };
}

/** The settings in MB and hours, in bytes and milliseconds. */
function boundsSettings({ num }: Read): Config['bounds'] {
  return {
    logFileMaxBytes: num('LOG_FILE_MAX_MB') * MB,
    logMaxTotalBytes: num('LOG_MAX_TOTAL_MB') * MB,
    logMaxAgeMs: num('LOG_MAX_AGE_HOURS') * HOUR_MS,
    metricsFileMaxBytes: num('METRICS_FILE_MAX_MB') * MB,
    metricsMaxTotalBytes: num('METRICS_MAX_TOTAL_MB') * MB,
    metricsMaxAgeMs: num('METRICS_MAX_AGE_HOURS') * HOUR_MS,
    diskWarnFreeBytes: num('DISK_WARN_FREE_MB') * MB,
    diskStopFreeBytes: num('DISK_STOP_FREE_MB') * MB,
  };
}

/** Rules between variables, checked once each value is valid on its own. */
function crossChecks(str: (name: string) => string, num: (name: string) => number): string[] {
  const problems: string[] = [];
  if (num('MIN_ROI') < 1 && str('MIN_ROI_ALLOW_LOSS') !== 'true') {
    problems.push(
      `MIN_ROI is ${str('MIN_ROI')}, below 1.0: it is a ratio after fees (1.0 = break-even, 1.005 = +0.5 %), ` +
        'so this takes trades that lose money. For a drill, also set MIN_ROI_ALLOW_LOSS=true',
    );
  }
  if (str('DRILL_CRASH_AFTER_SEND') === 'true' && !isLoopbackUrl(str('KRAKEN_REST_URL'))) {
    problems.push(
      'DRILL_CRASH_AFTER_SEND is a crash drill: set it only with KRAKEN_REST_URL on loopback (a simulator)',
    );
  }
  const stop = num('DISK_STOP_FREE_MB');
  const warn = num('DISK_WARN_FREE_MB');
  if (stop >= warn && !(stop === 0 && warn === 0))
    problems.push('DISK_STOP_FREE_MB must be below DISK_WARN_FREE_MB (the warning comes first), or both 0');
  return problems;
}

export const DEFAULT_DASHBOARD_PORT = 8787;
const DASHBOARD_TOKEN_MIN_CHARS = 16;

function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Loopback: 127.0.0.0/8, ::1, localhost. Anything else is reachable from other machines. */
export function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function dashboardConfig(
  flags: Flags,
  host: string,
  token: string | null,
  problems: string[],
): Config['dashboard'] {
  if (flags.dashboard === null) return null;
  if (token !== null && token.length < DASHBOARD_TOKEN_MIN_CHARS)
    problems.push(
      `DASHBOARD_TOKEN must be at least ${DASHBOARD_TOKEN_MIN_CHARS} characters (value not shown)`,
    );
  if (!isLoopbackHost(host) && token === null)
    problems.push(
      `DASHBOARD_HOST ${host} is not a loopback address: set DASHBOARD_TOKEN to serve the dashboard there`,
    );
  return { host, port: flags.dashboard === 'default' ? DEFAULT_DASHBOARD_PORT : flags.dashboard, token };
}

/** The config as it may be shown: secrets replaced by whether they are set. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    mode: config.mode,
    wsApi: config.wsApi,
    colocated: config.colocated,
    listeners: config.listeners,
    traderRtPriority: config.traderRtPriority,
    traderHostsListener: config.traderHostsListener,
    sim: config.sim.enabled,
    krakenKey: config.kraken.key === null ? 'unset' : 'set',
    strategy: config.strategy,
    risk: config.risk,
    influx:
      config.influx.host === null
        ? `files under ${config.paths.metricsDir}/`
        : `${config.influx.host}:${config.influx.port}/${config.influx.db}`,
    telegram: config.telegram.token === null ? 'log only' : 'on',
    connectionBudgetPer10Min: config.kraken.connectionBudget,
    bounds: config.bounds,
    dashboard:
      config.dashboard === null
        ? 'off'
        : `${config.dashboard.host}:${config.dashboard.port}${config.dashboard.token === null ? '' : ' (token)'}`,
  };
}
