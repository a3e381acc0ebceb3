/**
 * Command-line flags. Unknown flags and bad values are collected as problems, never thrown,
 * so the user sees every mistake at once.
 */
import { parseDecimal } from './value-check.js';

export interface Flags {
  trade: boolean;
  colocated: boolean;
  debug: boolean;
  sim: boolean;
  demo: boolean;
  spin: boolean;
  clearRiskStop: boolean;
  help: boolean;
  checkConfig: boolean;
  wsApi: 'v1' | 'v2' | undefined;
  listeners: number | undefined;
  durationS: number | undefined;
  recordFile: string | undefined;
  simRate: number | undefined;
  simDislocationsPerMin: number | undefined;
  simCoins: number | undefined;
  simSeed: number | undefined;
  /** `--dashboard [PORT]`: null when absent; the port (0: any free one) or 'default'. */
  dashboard: number | 'default' | null;
}

export const FLAG_HELP = `Usage: npm start -- [flags]      (or: node dist/src/main.js [flags])

  --trade                 send real orders (default: evaluation mode, never sends an order)
  --colocated             use Kraken's colocation WebSocket endpoints (London)
  --debug                 log at debug level
  --sim                   start the built-in Kraken simulator and point every endpoint and credential at it
  --demo                  with --sim: dislocations on, so opportunities and trades show within seconds
  --ws-api v1|v2          WebSocket API for feed and order entry (default v1)
  --listeners N           listener threads (default 6, or LISTENERS)
  --duration SECONDS      run this long (more than 0, at most 10 years), then shut down cleanly
  --record FILE           write every public frame with its receive time (for the simulator's --replay)
  --spin                  trader busy-polls the opportunity slot (for machines with a dedicated core)
  --clear-risk-stop       clear a journaled risk stop (it holds across restarts until cleared)
  --sim-rate N            simulator: updates per second (default 2000)
  --sim-dislocations N    simulator: dislocations per minute (default 0; 30 with --demo)
  --sim-coins N           simulator: number of coins (default 520)
  --sim-seed N            simulator: seed (default 1)
  --dashboard [PORT]      serve the live dashboard (default port 8787; 0: any free port; on with npm run demo)
  --check-config          print the effective configuration (secrets hidden) and where each value
                          came from, then exit without starting anything
  --help                  this text

Every other setting comes from the environment or .env (see .env.example and README.md).`;

const NUMBER_FLAGS = {
  '--listeners': 'listeners',
  '--duration': 'durationS',
  '--sim-rate': 'simRate',
  '--sim-dislocations': 'simDislocationsPerMin',
  '--sim-coins': 'simCoins',
  '--sim-seed': 'simSeed',
} as const;

const BOOLEAN_FLAGS = {
  '--trade': 'trade',
  '--colocated': 'colocated',
  '--debug': 'debug',
  '--sim': 'sim',
  '--demo': 'demo',
  '--spin': 'spin',
  '--clear-risk-stop': 'clearRiskStop',
  '--help': 'help',
  '-h': 'help',
  '--check-config': 'checkConfig',
} as const;

/** No flag given: evaluation mode, and every setting from the environment or its default. */
const NO_FLAGS: Readonly<Flags> = {
  trade: false,
  colocated: false,
  debug: false,
  sim: false,
  demo: false,
  spin: false,
  clearRiskStop: false,
  help: false,
  checkConfig: false,
  wsApi: undefined,
  listeners: undefined,
  durationS: undefined,
  recordFile: undefined,
  simRate: undefined,
  simDislocationsPerMin: undefined,
  simCoins: undefined,
  simSeed: undefined,
  dashboard: null,
};

/** A flag's value as the command line gives it: `--flag=value` or the next word. */
interface FlagValue {
  /** The value, unless the next word is another flag (or there is none). */
  take(): string | undefined;
  /** The value only if it is all digits (for a flag whose value may be left out). */
  takeDigits(): string | undefined;
}

export function parseFlags(argv: readonly string[]): { flags: Flags; problems: string[] } {
  const flags: Flags = { ...NO_FLAGS };
  const problems: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value: FlagValue = {
      take: () => {
        if (inline !== undefined) return inline;
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) return undefined;
        i++;
        return next;
      },
      takeDigits: () => {
        if (inline !== undefined) return inline;
        return /^\d+$/.test(argv[i + 1] ?? '') ? argv[++i] : undefined;
      },
    };
    const problem = applyFlag(flags, name, value);
    if (problem !== null) problems.push(problem);
  }
  return { flags, problems };
}

/** Sets one flag; returns the problem with it, if any. */
function applyFlag(flags: Flags, name: string, value: FlagValue): string | null {
  if (name in BOOLEAN_FLAGS) {
    flags[BOOLEAN_FLAGS[name as keyof typeof BOOLEAN_FLAGS]] = true;
  } else if (name in NUMBER_FLAGS) {
    const text = value.take();
    // Decimal only: Number('0x2') is 2, which nobody means.
    const n = text === undefined ? null : parseDecimal(text);
    if (n === null || n < 0) return `${name} needs a non-negative decimal number`;
    flags[NUMBER_FLAGS[name as keyof typeof NUMBER_FLAGS]] = n;
  } else if (name === '--ws-api') {
    const text = value.take();
    if (text !== 'v1' && text !== 'v2') return '--ws-api must be v1 or v2';
    flags.wsApi = text;
  } else if (name === '--dashboard') {
    // The port is optional: only a number right after the flag is taken as one.
    const text = value.takeDigits();
    const port = text === undefined ? NaN : Number(text);
    if (text === undefined) flags.dashboard = 'default';
    else if (/^\d+$/.test(text) && port <= 65535) flags.dashboard = port;
    else return '--dashboard takes a port number from 0 to 65535 (or nothing: 8787)';
  } else if (name === '--record') {
    const text = value.take();
    if (text === undefined || text === '') return '--record needs a file name';
    flags.recordFile = text;
  } else {
    return `unknown flag ${name} (see --help)`;
  }
  return null;
}
