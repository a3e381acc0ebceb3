/** The soak's result as markdown: a verdict per bound, the faults, and the samples every 10 minutes. */
import { cpus } from 'node:os';
import type { SoakSample } from './lib/soak-probe.js';
import { round } from './lib/stats.js';

export interface SoakRun {
  args: { minutes: number; rate: number; faultEveryMin: number; listeners: number };
  settings: Readonly<Record<string, string>>;
  startedAt: string;
  loadAtStart: number[];
  samples: SoakSample[];
  faults: Array<{ tS: number; name: string }>;
  crashedEarly: boolean;
  exitCode: number | null;
  summaryWritten: boolean;
  metricsFilesSeen: number;
  metricsFilesAtEnd: number;
  logFilesSeen: number;
  logFilesAtEnd: number;
  rssSlopeMbPerHour: number;
  fdSlopePerHour: number;
  tail: string;
}

const MB = 2 ** 20;
/** Connection attempts the program may make per 10 minutes (KRAKEN_CONNECTION_BUDGET default). */
const BUDGET = 120;
/** Handles beyond the count after warm-up that reconnects in flight may explain. */
const FD_SLACK = 20;
/** The README's memory aim (under 300 MB); the bound judged here is no growth. */
const RSS_AIM_MB = 300;
/** Second-half RSS slope that still counts as flat. */
const RSS_FLAT_MB_PER_HOUR = 5;

/** Most connections accepted within any 10-minute span of the samples. */
function maxPer10Min(samples: readonly SoakSample[]): number {
  let max = 0;
  for (const s of samples) {
    const from = samples.find((x) => x.tS >= s.tS - 600);
    if (from !== undefined) max = Math.max(max, s.connections - from.connections);
  }
  return max + (samples[0]?.connections ?? 0);
}

function verdicts(r: SoakRun): string[] {
  const s = r.samples;
  const num = (k: string): number => Number(r.settings[k]);
  const diskCapMb =
    num('METRICS_MAX_TOTAL_MB') +
    num('LOG_MAX_TOTAL_MB') +
    num('METRICS_FILE_MAX_MB') +
    num('LOG_FILE_MAX_MB');
  const diskMax = Math.max(...s.map((x) => (x.logBytes + x.metricsBytes) / MB));
  const warm = s.find((x) => x.tS >= 300) ?? s[0];
  const fdMax = Math.max(...s.map((x) => x.fds));
  const rssMax = Math.max(...s.map((x) => x.rssMb));
  const conn10 = maxPer10Min(s);
  const yes = (ok: boolean): string => (ok ? 'yes' : '**no**');
  return [
    '| bound | measured | held |',
    '|---|---|---|',
    `| disk: logs + metrics ≤ ${diskCapMb} MB (both totals + one open file each) | max ${round(diskMax)} MB; metrics files ${r.metricsFilesSeen} seen, ${r.metricsFilesAtEnd} left; log files ${r.logFilesSeen} seen, ${r.logFilesAtEnd} left | ${yes(diskMax <= diskCapMb)} |`,
    `| open file handles: no growth (≤ ${FD_SLACK} above the count after 5 min) | ${warm?.fds ?? '–'} after 5 min, max ${fdMax}, end ${s[s.length - 1]?.fds ?? '–'}; second-half slope ${r.fdSlopePerHour}/h | ${yes(warm !== undefined && fdMax <= warm.fds + FD_SLACK)} |`,
    `| RSS: no growth (second-half slope ≤ ${RSS_FLAT_MB_PER_HOUR} MB/h) | start ${round(s[0]?.rssMb ?? NaN)} MB, max ${round(rssMax)} MB (aim: under ${RSS_AIM_MB}), end ${round(s[s.length - 1]?.rssMb ?? NaN)} MB; second-half slope ${r.rssSlopeMbPerHour} MB/h | ${yes(r.rssSlopeMbPerHour <= RSS_FLAT_MB_PER_HOUR)} |`,
    `| Kraken connection attempts ≤ ${BUDGET} per 10 min | ${s[s.length - 1]?.connections ?? '–'} in the run, at most ${conn10} in any 10 minutes | ${yes(conn10 <= BUDGET)} |`,
    `| ran unattended to the end, clean stop | ${r.crashedEarly ? 'exited early' : 'ran to the end'}; exit code ${r.exitCode} on SIGTERM; summary ${r.summaryWritten ? 'written' : '**not written**'} | ${yes(!r.crashedEarly && r.exitCode === 0 && r.summaryWritten)} |`,
  ];
}

export function renderSoak(r: SoakRun): string {
  const s = r.samples;
  const last = s[s.length - 1];
  const every10 = s.filter(
    (x, i) =>
      i === 0 || i === s.length - 1 || Math.floor(x.tS / 600) !== Math.floor((s[i - 1]?.tS ?? 0) / 600),
  );
  const updates = last?.updates ?? NaN;
  return [
    `# Soak ${r.startedAt}`,
    '',
    `\`npm run soak -- --minutes ${r.args.minutes}\` (run with \`nice -n 10\`): evaluation mode against the simulator at ${r.args.rate.toLocaleString('en-US')} updates/s with 30 dislocations/min, ${r.args.listeners} listeners, a fault every ${r.args.faultEveryMin} min.`,
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}, load average at start ${r.loadAtStart.join(' / ')} (the VM is shared).`,
    `Settings: ${Object.entries(r.settings)
      .map(([k, v]) => `\`${k}=${v}\``)
      .join(', ')}; everything else default.`,
    `Updates processed: ${updates.toLocaleString('en-US')} in ${round((last?.tS ?? 0) / 60)} min (${round(updates / (last?.tS ?? 1), 0)}/s on average).`,
    '',
    '## Bounds',
    '',
    ...verdicts(r),
    '',
    '## Faults injected',
    '',
    r.faults.length === 0
      ? 'none'
      : r.faults.map((f) => `${round(f.tS / 60)} min: ${f.name}`).join('; ') + '.',
    '',
    '## Samples (about every 10 minutes)',
    '',
    '| t (min) | RSS MB | open handles | logs MB | metrics MB | journal KB | connections | updates |',
    '|---|---|---|---|---|---|---|---|',
    ...every10.map(
      (x) =>
        `| ${round(x.tS / 60)} | ${round(x.rssMb)} | ${x.fds} | ${round(x.logBytes / MB, 2)} | ${round(x.metricsBytes / MB)} | ${round(x.journalBytes / 1024)} | ${x.connections} | ${x.updates} |`,
    ),
    '',
    '## End of the program output',
    '',
    '```',
    r.tail.trim(),
    '```',
    '',
  ].join('\n');
}
