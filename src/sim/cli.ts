/**
 * `npm run sim`: runs one Kraken simulator until SIGTERM/SIGINT.
 * stdout carries exactly one line, the JSON endpoints, once the simulator is ready; everything else
 * goes to stderr. Exit codes: 0 clean stop, 1 start failure, 2 bad options.
 */
import { MarketOptionsError } from './market/market-params.js';
import { SimulatorError, startSimulator, type RunningSimulator, type SimulatorOptions } from './simulator.js';
import { AppError } from '../core/app-error.js';

const HELP = `Usage: npm run sim -- [options]

Starts a Kraken-compatible simulator (REST, WS v1 and v2 public/private, control API under /_sim/)
on one port and prints one JSON line on stdout when ready:
  {"rest": URL, "wsPublic": URL, "wsPrivate": URL, "wsPublicV2": URL, "wsPrivateV2": URL,
   "apiKey": KEY, "apiSecret": SECRET}
Runs until SIGTERM or SIGINT, then stops cleanly (exit 0).

Options:
  --port N               TCP port on 127.0.0.1; 0 picks a free port (default 0)
  --host ADDR            listen address (default 127.0.0.1)
  --seed S               integer seed: same seed, same market and ids (default 1)
  --coins N              coins, each with X/USD and X/EUR pairs (default: market model's, 520)
  --rate UPDATES_PER_S   book updates per second across all pairs (default: market model's, 2000)
  --dislocations PER_MIN dislocations (real arbitrage after fees) per minute (default 0)
  --dislocation-bps B    edge of a dislocation in basis points after fees (default 80)
  --dislocation-ms MS    lifetime of an untaken dislocation in ms (default 300)
  --replay FILE          serve a recording (written by the main program's --record FILE) instead
                         of the generated market; pairs and decimals are inferred from it
  --replay-speed X       replay pace: 1 = as recorded (default), 10 = ten times faster
  --replay-loop          start the replay over when it ends
  --exit-with-parent     stop when standard input closes (the program that started us died)
  --tier T               trading-limit tier (per-pair order counter, open-order cap):
                         starter | intermediate | pro (default starter)
  --rest-tier T          REST call-counter tier: starter | intermediate | pro (default pro)
  --help                 this text

Exit codes: 0 stopped by a signal, 1 could not start, 2 bad options.
`;

class UsageError extends AppError {
  readonly code = 'SIM_USAGE';
  readonly kind = 'config';
}

/** Set by --exit-with-parent: a child simulator must not outlive the program that started it. */
let exitWithParent = false;

const NUMERIC: Record<string, { key: keyof SimulatorOptions; integer: boolean; min: number }> = {
  '--port': { key: 'port', integer: true, min: 0 },
  '--seed': { key: 'seed', integer: true, min: 0 },
  '--coins': { key: 'coins', integer: true, min: 1 },
  '--rate': { key: 'updatesPerSecond', integer: false, min: 0 },
  '--dislocations': { key: 'dislocationsPerMinute', integer: false, min: 0 },
  '--dislocation-bps': { key: 'dislocationBps', integer: false, min: 0 },
  '--dislocation-ms': { key: 'dislocationLifetimeMs', integer: false, min: 0 },
  '--replay-speed': { key: 'replaySpeed', integer: false, min: 0.001 },
};
const MAX_PORT = 65535;

function parseArgs(argv: readonly string[]): SimulatorOptions | 'help' {
  const o: SimulatorOptions = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--help' || arg === '-h') return 'help';
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const takeValue = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    const num = NUMERIC[name];
    if (num !== undefined) {
      const text = takeValue();
      const v = Number(text);
      if (text.trim() === '' || !Number.isFinite(v) || v < num.min || (num.integer && !Number.isInteger(v))) {
        throw new UsageError(
          `${name} must be ${num.integer ? 'an integer' : 'a number'} ≥ ${num.min}, got "${text}"`,
        );
      }
      if (name === '--port' && v > MAX_PORT) throw new UsageError(`--port must be ≤ ${MAX_PORT}, got ${v}`);
      (o as Record<string, unknown>)[num.key] = v;
    } else if (name === '--replay-loop') {
      o.replayLoop = true;
    } else if (name === '--exit-with-parent') {
      exitWithParent = true;
    } else if (name === '--replay') {
      o.replayFile = takeValue();
    } else if (name === '--host') {
      o.host = takeValue();
    } else if (name === '--tier' || name === '--rest-tier') {
      const t = takeValue();
      if (t !== 'starter' && t !== 'intermediate' && t !== 'pro')
        throw new UsageError(`${name} must be starter, intermediate or pro, got "${t}"`);
      if (name === '--tier') o.tier = t;
      else o.restTier = t;
    } else {
      throw new UsageError(`unknown option: ${arg}`);
    }
  }
  return o;
}

async function main(): Promise<void> {
  let options: SimulatorOptions | 'help';
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`sim: ${err instanceof Error ? err.message : String(err)}\nTry --help.\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(HELP);
    return;
  }
  let sim: RunningSimulator;
  try {
    sim = await startSimulator(options);
  } catch (err) {
    const bad =
      err instanceof MarketOptionsError || (err instanceof SimulatorError && err.code === 'SIM_BAD_OPTION');
    process.stderr.write(`sim: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(bad ? 2 : 1);
  }
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`sim: ${signal}, stopping\n`);
    sim.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`sim: stop failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  if (exitWithParent) {
    process.stdin.on('end', () => stop('parent gone (stdin closed)'));
    process.stdin.on('error', () => stop('parent gone (stdin error)'));
    process.stdin.resume();
  }
  const { rest, wsPublic, wsPrivate, wsPublicV2, wsPrivateV2 } = sim.urls;
  const ready = {
    rest,
    wsPublic,
    wsPrivate,
    wsPublicV2,
    wsPrivateV2,
    apiKey: sim.apiKey,
    apiSecret: sim.apiSecret,
  };
  process.stdout.write(`${JSON.stringify(ready)}\n`);
  process.stderr.write(`sim: ready on port ${sim.port} (${sim.market.pairs.length} pairs)\n`);
}

void main();
