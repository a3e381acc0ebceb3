/**
 * One validated, read-only Config from `.env`, the environment (which wins) and the flags.
 * Every problem is reported at once, by variable name; a secret's value never appears in a problem.
 */
import { VARIABLES, type VariableSpec } from './variables.js';
import { parseFlags, type Flags } from './flags.js';

export type ApiTier = 'starter' | 'intermediate' | 'pro';

export interface Config {
  readonly mode: 'evaluate' | 'trade';
  readonly colocated: boolean;
  readonly debug: boolean;
  readonly spin: boolean;
  readonly wsApi: 'v1' | 'v2';
  readonly listeners: number;
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
  };
  readonly strategy: {
    readonly minRoi: number;
    readonly maxLocalAgeMs: number;
    readonly maxExchangeAgeMs: number;
    readonly fillTimeoutMs: number;
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
}

export type ConfigResult =
  { ok: true; config: Config; flags: Flags } | { ok: false; problems: string[]; flags: Flags };

/** `--duration` range: anything up to 10 years (armed in chunks: long-timer.ts). */
export const MAX_DURATION_S = 315_360_000;
const DURATION_PATTERN = /^(INF|(\d+(ns|u|µ|ms|s|m|h|d|w))+)$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

function checkValue(spec: VariableSpec, value: string): string | null {
  switch (spec.kind) {
    case 'number':
    case 'integer': {
      const n = Number(value);
      if (value.trim() === '' || !Number.isFinite(n)) return `${spec.name} must be a number`;
      if (spec.kind === 'integer' && !Number.isInteger(n)) return `${spec.name} must be a whole number`;
      if (spec.min !== undefined && n < spec.min) return `${spec.name} must be at least ${spec.min}`;
      if (spec.max !== undefined && n > spec.max) return `${spec.name} must be at most ${spec.max}`;
      return null;
    }
    case 'url': {
      try {
        const u = new URL(value);
        if (!['http:', 'https:', 'ws:', 'wss:'].includes(u.protocol))
          return `${spec.name} must be an http(s) or ws(s) URL`;
      } catch {
        return `${spec.name} is not a valid URL`;
      }
      return null;
    }
    case 'tier':
      return ['starter', 'intermediate', 'pro'].includes(value)
        ? null
        : `${spec.name} must be starter, intermediate or pro`;
    case 'duration':
      return DURATION_PATTERN.test(value)
        ? null
        : `${spec.name} must be an InfluxQL duration such as 30d or INF`;
    case 'secret':
    case 'string':
      return null;
  }
}

export function loadConfig(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  envFile: Readonly<Record<string, string>> = {},
): ConfigResult {
  const { flags, problems } = parseFlags(argv);
  const raw = new Map<string, string>();
  for (const spec of VARIABLES) {
    const fromEnv = env[spec.name];
    const value = fromEnv !== undefined && fromEnv !== '' ? fromEnv : envFile[spec.name];
    const chosen = value !== undefined && value !== '' ? value.trim() : spec.default;
    if (chosen !== '') {
      const problem = checkValue(spec, chosen);
      if (problem) problems.push(problem);
    }
    raw.set(spec.name, chosen);
  }
  const str = (name: string): string => raw.get(name) ?? '';
  const opt = (name: string): string | null => (str(name) === '' ? null : str(name));
  const num = (name: string): number => Number(str(name));

  const trade = flags.trade;
  let key = opt('KRAKEN_KEY');
  let secret = opt('KRAKEN_SECRET');
  if (secret !== null && !BASE64_PATTERN.test(secret))
    problems.push('KRAKEN_SECRET is not base64 (value not shown)');
  if (flags.sim) {
    // The simulator hands out its own credentials; real ones must never be sent to it.
    key = null;
    secret = null;
  } else if (trade && (key === null || secret === null)) {
    problems.push(
      '--trade needs KRAKEN_KEY and KRAKEN_SECRET (or run with --sim); evaluation mode needs neither',
    );
  }
  if (flags.demo && !flags.sim) problems.push('--demo needs --sim');
  if (flags.colocated && flags.sim) problems.push('--colocated and --sim exclude each other');
  const listeners = flags.listeners ?? num('LISTENERS');
  if (!Number.isInteger(listeners) || listeners < 1 || listeners > 64)
    problems.push('--listeners must be a whole number from 1 to 64');
  if (flags.durationS !== undefined && !(flags.durationS > 0 && flags.durationS <= MAX_DURATION_S))
    problems.push(`--duration must be more than 0 and at most ${MAX_DURATION_S} seconds (10 years)`);
  const telegramToken = opt('TELEGRAM_BOT_TOKEN');
  const telegramChat = opt('TELEGRAM_CHAT_ID');
  if ((telegramToken === null) !== (telegramChat === null)) {
    problems.push('TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID go together: set both or neither');
  }

  if (problems.length > 0) return { ok: false, problems, flags };
  const config: Config = {
    mode: trade ? 'trade' : 'evaluate',
    colocated: flags.colocated,
    debug: flags.debug,
    spin: flags.spin,
    wsApi: flags.wsApi ?? 'v1',
    listeners,
    durationS: flags.durationS ?? null,
    recordFile: flags.recordFile ?? null,
    sim: {
      enabled: flags.sim,
      demo: flags.demo,
      rate: flags.simRate ?? 2000,
      dislocationsPerMin: flags.simDislocationsPerMin ?? (flags.demo ? 30 : 0),
      coins: flags.simCoins ?? 520,
      seed: flags.simSeed ?? 1,
    },
    kraken: {
      key,
      secret,
      restUrl: flags.sim ? null : opt('KRAKEN_REST_URL'),
      wsUrl: flags.sim ? null : opt('KRAKEN_WS_URL'),
      wsAuthUrl: flags.sim ? null : opt('KRAKEN_WS_AUTH_URL'),
      tier: str('KRAKEN_API_TIER') as ApiTier,
    },
    strategy: {
      minRoi: num('MIN_ROI'),
      maxLocalAgeMs: num('MAX_LOCAL_AGE_MS'),
      maxExchangeAgeMs: num('MAX_EXCHANGE_AGE_MS'),
      fillTimeoutMs: num('FILL_TIMEOUT_MS'),
      postTradePauseMs: num('POST_TRADE_PAUSE_MS'),
      maxOrderValue: num('MAX_ORDER_VALUE'),
    },
    risk: {
      maxTradesPerMinute: num('MAX_TRADES_PER_MINUTE'),
      maxDailyLoss: num('MAX_DAILY_LOSS'),
      maxConsecutiveFailures: num('MAX_CONSECUTIVE_FAILURES'),
      sellRetries: num('SELL_RETRIES'),
    },
    influx: {
      host: opt('INFLUXDB_HOST'),
      port: num('INFLUXDB_PORT'),
      db: str('DB_NAME'),
      user: opt('DB_USER'),
      password: opt('DB_PASSWORD'),
      adminUser: opt('DB_ADMIN_USER'),
      adminPassword: opt('DB_ADMIN_PASSWORD'),
      rp: str('RP_NAME'),
      rpDuration: str('RP_DURATION'),
    },
    telegram: { token: telegramToken, chatId: telegramChat, apiUrl: str('TELEGRAM_API_URL') },
    paths: { logDir: str('LOG_DIR'), journalDir: str('JOURNAL_DIR'), metricsDir: str('METRICS_DIR') },
  };
  return { ok: true, config, flags };
}

/** The config as it may be shown: secrets replaced by whether they are set. */
export function describeConfig(config: Config): Record<string, unknown> {
  return {
    mode: config.mode,
    wsApi: config.wsApi,
    colocated: config.colocated,
    listeners: config.listeners,
    sim: config.sim.enabled,
    krakenKey: config.kraken.key === null ? 'unset' : 'set',
    strategy: config.strategy,
    risk: config.risk,
    influx:
      config.influx.host === null
        ? `files under ${config.paths.metricsDir}/`
        : `${config.influx.host}:${config.influx.port}/${config.influx.db}`,
    telegram: config.telegram.token === null ? 'log only' : 'on',
  };
}
