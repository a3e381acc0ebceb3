/**
 * `npm run report [-- --dir journal]`: prints the journal's PnL summary.
 * Exit 0 on success (also for an empty journal), 2 on bad arguments or an unreadable directory.
 */
import { readJournal, type JournalWarning } from './journal-reader.js';
import { JournalError } from './journal-record.js';
import { summarize } from './summarize.js';
import { formatSummary } from './report-format.js';
import { usdPnl } from './trade-pnl.js';
import { formatUsdPnl } from './report-usd-format.js';
import { writeEquityCurve } from './equity-curve.js';

const EXIT_USAGE = 2;
const USAGE = `usage: report [--dir <journal directory>] [--json] [--equity <file.svg|file.html>]
  --dir      the journal (default: $JOURNAL_DIR or ./journal)
  --json     the journal's totals as JSON, with balanceChange: the net change of every asset's
             balance (Kraken asset ids, fees included) to hold against the venue's balances
  --equity   also write the equity curve (cumulative PnL in USD) as SVG, or as HTML with the tables`;

function parseArgs(argv: readonly string[]): { dir: string; json: boolean; equity: string | null } | string {
  let json = false;
  let equity: string | null = null;
  let dir =
    process.env.JOURNAL_DIR !== undefined && process.env.JOURNAL_DIR !== ''
      ? process.env.JOURNAL_DIR
      : 'journal';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dir') {
      const v = argv[++i];
      if (v === undefined || v === '') return '--dir needs a value';
      dir = v;
    } else if (a?.startsWith('--dir=')) dir = a.slice('--dir='.length);
    else if (a === '--json') json = true;
    else if (a === '--equity') {
      const v = argv[++i];
      if (v === undefined || !/\.(svg|html?)$/i.test(v))
        return '--equity needs a file name ending in .svg or .html';
      equity = v;
    } else if (a === '--help' || a === '-h') return '';
    else return `unknown argument: ${a}`;
  }
  return { dir, json, equity };
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    if (args !== '') console.error(`report: ${args}`);
    console.error(USAGE);
    return args === '' ? 0 : EXIT_USAGE;
  }
  const warnings: JournalWarning[] = [];
  try {
    const records = readJournal(args.dir, { onWarning: (w) => warnings.push(w) });
    for (const w of warnings) console.error(`report: warning ${w.code} ${w.file}:${w.line}: ${w.message}`);
    const summary = summarize(records);
    if (args.json) {
      console.log(JSON.stringify({ records: records.length, ...summary, usd: usdPnl(records) }, null, 2));
    } else {
      console.log(formatSummary(summary, records.length));
      if (records.length > 0) console.log('\n' + formatUsdPnl(usdPnl(records)));
    }
    if (args.equity !== null) {
      try {
        writeEquityCurve(args.equity, usdPnl(records));
      } catch (e) {
        console.error(`report: could not write ${args.equity}: ${(e as Error).message}`);
        return EXIT_USAGE;
      }
      if (!args.json) console.log(`\nequity curve written to ${args.equity}`);
    }
    return 0;
  } catch (e) {
    if (e instanceof JournalError) {
      console.error(`report: ${e.code}: ${e.message}`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

process.exitCode = main();
