/**
 * `npm run report [-- --dir journal]`: prints the journal's PnL summary.
 * Exit 0 on success (also for an empty journal), 2 on bad arguments or an unreadable directory.
 */
import { readJournal, type JournalWarning } from './journal-reader.js';
import { JournalError } from './journal-record.js';
import { summarize } from './summarize.js';
import { formatSummary } from './report-format.js';

const EXIT_USAGE = 2;
const USAGE =
  'usage: report [--dir <journal directory>] [--json]   (default: $JOURNAL_DIR or ./journal)\n' +
  "  --json   the journal's totals as JSON, with balanceChange: the net change of every asset's\n" +
  "           balance (Kraken asset ids, fees included) to hold against the venue's balances";

function parseArgs(argv: readonly string[]): { dir: string; json: boolean } | string {
  let json = false;
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
    else if (a === '--help' || a === '-h') return '';
    else return `unknown argument: ${a}`;
  }
  return { dir, json };
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
    if (args.json) console.log(JSON.stringify({ records: records.length, ...summary }, null, 2));
    else console.log(formatSummary(summary, records.length));
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
