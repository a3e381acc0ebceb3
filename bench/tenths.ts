/**
 * A kept run's trade journal cut into equal parts in time order, each part's median per stage:
 * whether the realistic regime drifts over a long run (bench/README.md, "The full run").
 *
 *   node dist/bench/tenths.js <run folder>/journal/trades-YYYYMMDD.jsonl [parts, default 10]
 *
 * Stages from the `intent` record's stamps (epoch µs): receipt (`triggerRecvUs`) → evaluated
 * (`evalDoneUs`) → published to the slot (`publishedUs`) → taken by the trader (`takenUs`) → order
 * sent (`sentUs`). Journals from before the publish stamp (or a listener that ran in the trader's
 * thread before it was stamped) lack `publishedUs`: its two columns then read "–".
 */
import { readFileSync } from 'node:fs';

interface Intent {
  kind: string;
  triggerRecvUs: number;
  evalDoneUs: number;
  publishedUs?: number;
  takenUs: number;
  sentUs?: number;
}

const median = (xs: number[]): number => {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : (s[Math.floor(s.length / 2)] as number);
};

function main(): void {
  const [file, partsArg] = process.argv.slice(2);
  const parts = Number(partsArg ?? 10);
  if (file === undefined || !Number.isInteger(parts) || parts < 1) {
    console.error('usage: node dist/bench/tenths.js <journal.jsonl> [parts]');
    process.exit(2);
  }
  const rows: Array<Intent & { sentUs: number }> = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"intent"')) continue;
    const r = JSON.parse(line) as Intent;
    if (r.kind === 'intent' && r.sentUs !== undefined) rows.push({ ...r, sentUs: r.sentUs });
  }
  rows.sort((a, b) => a.triggerRecvUs - b.triggerRecvUs);
  console.log(
    '| part | from (min) | trades | receipt → evaluated | evaluated → taken | of which evaluated → published | published → taken | taken → order sent | receipt → order sent |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  const t0 = rows[0]?.triggerRecvUs ?? 0;
  for (let p = 0; p < parts; p++) {
    const part = rows.slice(
      Math.floor((p * rows.length) / parts),
      Math.floor(((p + 1) * rows.length) / parts),
    );
    if (part.length === 0) continue;
    const cell = (f: (r: Intent & { sentUs: number }) => number): string => {
      const m = median(part.map(f));
      return Number.isNaN(m) ? '–' : m.toFixed(0);
    };
    // 0 or absent: not stamped (refused before the slot never reaches a journal; older journals).
    const published = (r: Intent): number =>
      r.publishedUs !== undefined && r.publishedUs > 0 ? r.publishedUs : Number.NaN;
    console.log(
      `| ${p + 1} | ${(((part[0]?.triggerRecvUs ?? t0) - t0) / 60e6).toFixed(1)} | ${part.length} | ${cell((r) => r.evalDoneUs - r.triggerRecvUs)} | ${cell((r) => r.takenUs - r.evalDoneUs)} | ${cell((r) => published(r) - r.evalDoneUs)} | ${cell((r) => r.takenUs - published(r))} | ${cell((r) => r.sentUs - r.takenUs)} | ${cell((r) => r.sentUs - r.triggerRecvUs)} |`,
    );
  }
}

main();
