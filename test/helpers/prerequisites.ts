/**
 * Programs some tests need from the machine, checked before the test starts anything: a missing one
 * fails at once, naming the program and the Debian package that provides it (`.ci/run` installs
 * them all), instead of failing later with a spawn error such as "null null".
 */
import { spawnSync } from 'node:child_process';

export const PROGRAMS = {
  influxd: { debianPackage: 'influxdb', versionArgs: ['version'] },
  influx: { debianPackage: 'influxdb-client', versionArgs: ['-version'] },
  curl: { debianPackage: 'curl', versionArgs: ['--version'] },
  chromium: { debianPackage: 'chromium', versionArgs: ['--version'] },
} as const;

export type Program = keyof typeof PROGRAMS;

/** Why `program` cannot run here, or null when it can. */
export function missingProgram(program: Program, path: string = program): string | null {
  const { debianPackage, versionArgs } = PROGRAMS[program];
  const r = spawnSync(path, [...versionArgs], { encoding: 'utf8', timeout: 20_000 });
  if (r.error === undefined) return null;
  const code = (r.error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'is not installed (not found on PATH)' : `cannot run (${r.error.message})`;
  return (
    `this test needs \`${program}\`, which ${why}: install the Debian package ${debianPackage} ` +
    `(apt-get install ${debianPackage}), or run .ci/run, which installs every test prerequisite`
  );
}

/** Throws the missingProgram() message when `program` cannot run. */
export function requireProgram(program: Program, path?: string): void {
  const problem = missingProgram(program, path);
  if (problem !== null) throw new Error(problem);
}
