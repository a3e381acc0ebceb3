/**
 * One preflight check's result, and the table `npm run preflight` prints. Pure.
 * `fail` means trade mode could not start (or must not); `warn` deserves a look; `skip` could not
 * be checked because something it needs failed first.
 */
export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  /** What was found (values, Kraken's own error text). */
  readonly detail: string;
  /** What it means for trading, when that is not obvious. */
  readonly meaning?: string;
}

export const check = (name: string, status: CheckStatus, detail: string, meaning?: string): CheckResult =>
  meaning === undefined ? { name, status, detail } : { name, status, detail, meaning };

const MARK: Readonly<Record<CheckStatus, string>> = { ok: 'OK', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };
const MAX_DETAIL = 110;

/** Trade mode could start: nothing failed. */
export function passed(results: readonly CheckResult[]): boolean {
  return results.every((r) => r.status !== 'fail');
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** The table: status, check, detail; each meaning on its own indented line. */
export function formatTable(results: readonly CheckResult[]): string {
  const nameWidth = Math.max(5, ...results.map((r) => r.name.length));
  const lines = [`${'STATUS'.padEnd(6)}  ${'CHECK'.padEnd(nameWidth)}  DETAIL`];
  for (const r of results) {
    lines.push(`${MARK[r.status].padEnd(6)}  ${r.name.padEnd(nameWidth)}  ${clip(r.detail, MAX_DETAIL)}`);
    if (r.meaning !== undefined) lines.push(`${' '.repeat(8 + nameWidth)}  → ${r.meaning}`);
  }
  const failed = results.filter((r) => r.status === 'fail').length;
  lines.push('');
  lines.push(
    failed === 0
      ? 'Preflight passed: trade mode could start with this configuration.'
      : `Preflight FAILED (${failed} check${failed === 1 ? '' : 's'}): trade mode would not start safely.`,
  );
  return lines.join('\n');
}
