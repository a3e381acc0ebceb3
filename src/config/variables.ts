/**
 * Every configuration variable, once: name, default, whether it is a secret, its range, and what
 * it means. `.env.example` and the README's table are checked against this list by a test.
 */
export type VariableKind =
  'string' | 'secret' | 'url' | 'number' | 'integer' | 'choice' | 'boolean' | 'duration';

export interface VariableSpec {
  name: string;
  kind: VariableKind;
  default: string;
  help: string;
  /** Bounds for numbers (every number, durations included, has both). */
  min?: number;
  max?: number;
  /** The values a 'choice' takes. */
  choices?: readonly string[];
  /** An empty value means "not set" (documented optional); for any other variable it is an error. */
  optional?: true;
}

export const VARIABLES: readonly VariableSpec[] = [
  // Kraken credentials and endpoints
  {
    name: 'KRAKEN_KEY',
    kind: 'secret',
    default: '',
    optional: true,
    help: 'Kraken API key (trade mode only; needs Query Funds, Create & Modify Orders, WebSocket interface)',
  },
  {
    name: 'KRAKEN_SECRET',
    kind: 'secret',
    default: '',
    optional: true,
    help: 'Kraken API secret (base64), trade mode only',
  },
  {
    name: 'KRAKEN_REST_URL',
    kind: 'url',
    default: '',
    optional: true,
    help: 'Override the REST base URL (default https://api.kraken.com)',
  },
  {
    name: 'KRAKEN_WS_URL',
    kind: 'url',
    default: '',
    optional: true,
    help: 'Override the public WebSocket URL of the selected API version',
  },
  {
    name: 'KRAKEN_WS_AUTH_URL',
    kind: 'url',
    default: '',
    optional: true,
    help: 'Override the private WebSocket URL of the selected API version',
  },
  {
    name: 'KRAKEN_API_TIER',
    kind: 'choice',
    choices: ['starter', 'intermediate', 'pro'],
    default: 'starter',
    help: 'Account tier for rate limits: starter, intermediate or pro',
  },
  {
    name: 'KRAKEN_CONNECTION_BUDGET',
    kind: 'integer',
    default: '120',
    min: 1,
    max: 150,
    help: 'Connection attempts to Kraken per rolling 10 minutes, every socket and WebSocket-token request of the process together (Kraken bans the IP for 10 minutes above about 150)',
  },
  // Strategy
  {
    name: 'MIN_ROI',
    kind: 'number',
    default: '1.0',
    min: 0.5,
    max: 2,
    help: 'Trade only when ROI after fees, a ratio (1.005 = +0.5 %), is strictly greater than this; below 1.0 is refused (it trades at a loss) unless MIN_ROI_ALLOW_LOSS=true',
  },
  {
    name: 'MIN_ROI_ALLOW_LOSS',
    kind: 'boolean',
    default: 'false',
    help: 'Drills only: accept a MIN_ROI below 1.0, which takes trades that lose money at the quoted prices',
  },
  {
    name: 'DRILL_CRASH_AFTER_SEND',
    kind: 'boolean',
    default: 'false',
    help: 'Crash drill only (refused unless KRAKEN_REST_URL is on loopback): the process kills itself right after the first buy is sent, before its intent is journaled, so the restart recovery can be shown to find it',
  },
  {
    name: 'MAX_LOCAL_AGE_MS',
    kind: 'number',
    default: '1.5',
    min: 0,
    max: 60000,
    help: 'Largest age, by the local receive clock, of the update that opened an opportunity, checked again just before the buy is sent',
  },
  {
    name: 'MAX_EXCHANGE_AGE_MS',
    kind: 'number',
    default: '10000',
    min: 0,
    max: 86400000,
    help: "Largest gap, by Kraken's timestamps, between the triggering update and the oldest of the other three legs' quotes",
  },
  {
    name: 'FILL_TIMEOUT_MS',
    kind: 'integer',
    default: '1000',
    min: 1,
    max: 60000,
    help: 'How long to wait for the buy to be acknowledged and closed before its outcome is unknown and reconciled over REST',
  },
  {
    name: 'ORDER_DEADLINE_MS',
    kind: 'integer',
    default: '3000',
    min: 2000,
    max: 60000,
    help: "Kraken's deadline on every order, after its send: past it the matching engine rejects the order instead of executing it, so an order whose ack was lost is settled by then (Kraken allows 2 s to 60 s)",
  },
  {
    name: 'PAIR_STATUS_REFRESH_MS',
    kind: 'integer',
    default: '60000',
    min: 1000,
    max: 3600000,
    help: "How often Kraken's pair statuses are read again (AssetPairs); a pair that is no longer online is not traded",
  },
  {
    name: 'POST_TRADE_PAUSE_MS',
    kind: 'integer',
    default: '500',
    min: 0,
    max: 600000,
    help: 'Pause after each trade before the trader takes the next opportunity',
  },
  {
    name: 'LISTENERS',
    kind: 'integer',
    default: '6',
    min: 1,
    max: 64,
    help: 'Listener threads (public WebSocket connections)',
  },
  {
    name: 'TRADER_RT_PRIORITY',
    kind: 'integer',
    default: '0',
    min: 0,
    max: 99,
    help: 'Linux: run the trader thread under real-time FIFO scheduling at this priority (1 to 99), so it runs as soon as an opportunity wakes it; needs root or CAP_SYS_NICE; 0: ordinary scheduling',
  },
  {
    name: 'TRADER_HOSTS_LISTENER',
    kind: 'boolean',
    default: 'false',
    help: 'Run the first listener (its share of the pairs; all of them with --listeners 1) in the trader thread, so its opportunities reach the trader without a thread wake-up; the others keep their threads',
  },
  {
    name: 'MAX_ORDER_VALUE',
    kind: 'number',
    default: '1000',
    min: 0,
    max: 1e9,
    help: 'Largest buy, in the quote currency it is paid in (USD or EUR)',
  },
  // Risk
  {
    name: 'MAX_TRADES_PER_MINUTE',
    kind: 'integer',
    default: '20',
    min: 1,
    max: 100000,
    help: 'Trading stops when more trades than this start within a minute',
  },
  {
    name: 'MAX_DAILY_LOSS',
    kind: 'number',
    default: '100',
    min: 0,
    max: 1e9,
    help: 'Trading stops when realised PnL for the UTC day falls below minus this (USD)',
  },
  {
    name: 'MAX_CONSECUTIVE_FAILURES',
    kind: 'integer',
    default: '3',
    min: 1,
    max: 1000,
    help: 'Trading stops after this many failed or stranded trades in a row',
  },
  {
    name: 'SELL_RETRIES',
    kind: 'integer',
    default: '3',
    min: 0,
    max: 20,
    help: 'Retries of a failed market sell, with backoff, before the inventory is recorded as stranded',
  },
  // InfluxDB
  {
    name: 'INFLUXDB_HOST',
    kind: 'string',
    default: '',
    optional: true,
    help: 'InfluxDB 1.x host; empty writes line-protocol files under metrics/ instead',
  },
  { name: 'INFLUXDB_PORT', kind: 'integer', default: '8086', min: 1, max: 65535, help: 'InfluxDB HTTP port' },
  {
    name: 'INFLUXDB_PROTOCOL',
    kind: 'choice',
    choices: ['http', 'https'],
    default: 'http',
    help: 'InfluxDB scheme: http or https (the program and the setup script)',
  },
  { name: 'DB_NAME', kind: 'string', default: 'kraken_arb', help: 'InfluxDB database' },
  {
    name: 'DB_USER',
    kind: 'string',
    default: '',
    optional: true,
    help: 'InfluxDB user with read and write on DB_NAME',
  },
  { name: 'DB_PASSWORD', kind: 'secret', default: '', optional: true, help: 'Password of DB_USER' },
  {
    name: 'DB_ADMIN_USER',
    kind: 'string',
    default: '',
    optional: true,
    help: 'InfluxDB admin user (setup script only)',
  },
  {
    name: 'DB_ADMIN_PASSWORD',
    kind: 'secret',
    default: '',
    optional: true,
    help: 'Password of DB_ADMIN_USER (setup script only)',
  },
  {
    name: 'RP_NAME',
    kind: 'string',
    default: 'kraken_arb_rp',
    help: 'Retention policy, made the default of DB_NAME by the setup script',
  },
  {
    name: 'RP_DURATION',
    kind: 'duration',
    default: '30d',
    help: 'Retention of RP_NAME (InfluxQL duration, e.g. 30d, 12w, INF): at least 1h (InfluxDB refuses less), or INF',
  },
  // Telegram
  {
    name: 'TELEGRAM_BOT_TOKEN',
    kind: 'secret',
    default: '',
    optional: true,
    help: 'Telegram bot token; alerts go to the log only without it',
  },
  { name: 'TELEGRAM_CHAT_ID', kind: 'string', default: '', optional: true, help: 'Telegram chat to alert' },
  {
    name: 'TELEGRAM_API_URL',
    kind: 'url',
    default: 'https://api.telegram.org',
    help: 'Telegram Bot API base URL',
  },
  // Dashboard
  {
    name: 'DASHBOARD_HOST',
    kind: 'string',
    default: '127.0.0.1',
    help: 'Address the dashboard (--dashboard) listens on; anything but loopback needs DASHBOARD_TOKEN',
  },
  {
    name: 'DASHBOARD_TOKEN',
    kind: 'secret',
    default: '',
    optional: true,
    help: 'Dashboard access token (16+ characters): open the page with ?token=<it>; required off loopback',
  },
  // Files
  {
    name: 'LOG_DIR',
    kind: 'string',
    default: 'logs',
    help: 'Where arbitrage_log_<timestamp>.log and the run summary go',
  },
  {
    name: 'JOURNAL_DIR',
    kind: 'string',
    default: 'journal',
    help: 'Where the durable trade journal (JSONL) goes',
  },
  {
    name: 'METRICS_DIR',
    kind: 'string',
    default: 'metrics',
    help: 'Where line-protocol files go when INFLUXDB_HOST is empty',
  },
  // Bounds on what grows: logs and metrics files by size and age, free disk space
  {
    name: 'LOG_FILE_MAX_MB',
    kind: 'integer',
    default: '64',
    min: 1,
    max: 1024,
    help: 'A log file past this size is closed and the next part of the run started',
  },
  {
    name: 'LOG_MAX_TOTAL_MB',
    kind: 'integer',
    default: '1024',
    min: 10,
    max: 1_000_000,
    help: 'The oldest log files (of any run) are deleted while all of them together are larger than this',
  },
  {
    name: 'LOG_MAX_AGE_HOURS',
    kind: 'integer',
    default: '720',
    min: 1,
    max: 87_600,
    help: 'Log files and run summaries older than this are deleted (720 h = 30 days)',
  },
  {
    name: 'METRICS_FILE_MAX_MB',
    kind: 'integer',
    default: '64',
    min: 1,
    max: 1024,
    help: 'A metrics file past this size (or an hour old) is closed and a new one started',
  },
  {
    name: 'METRICS_MAX_TOTAL_MB',
    kind: 'integer',
    default: '2048',
    min: 10,
    max: 1_000_000,
    help: 'The oldest metrics files are deleted while all of them together are larger than this',
  },
  {
    name: 'METRICS_MAX_AGE_HOURS',
    kind: 'integer',
    default: '168',
    min: 1,
    max: 87_600,
    help: 'Metrics files older than this are deleted (168 h = 7 days)',
  },
  {
    name: 'DISK_WARN_FREE_MB',
    kind: 'integer',
    default: '2048',
    min: 0,
    max: 10_000_000,
    help: "Warn (log and alert) when free space on the journal's, logs' or metrics' filesystem falls below this; 0 = never",
  },
  {
    name: 'DISK_STOP_FREE_MB',
    kind: 'integer',
    default: '512',
    min: 0,
    max: 10_000_000,
    help: "Trade mode: stop trading (a risk stop, alerted) when free space on the journal's filesystem falls below this, leaving room to finish the trade in flight; below DISK_WARN_FREE_MB; 0 = never (drills on a tiny disk only)",
  },
];

export const SECRET_NAMES: ReadonlySet<string> = new Set(
  VARIABLES.filter((v) => v.kind === 'secret').map((v) => v.name),
);

/** The documented range of a variable, as the README's table shows it ('' when it has none). */
export function describeRange(spec: VariableSpec): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  if (spec.kind === 'choice') return (spec.choices ?? []).join(' \\| ');
  if (spec.kind === 'boolean') return 'true \\| false';
  if (spec.kind === 'duration') return '1h … INF';
  if (spec.min !== undefined && spec.max !== undefined) return `${n(spec.min)} … ${n(spec.max)}`;
  return '';
}
