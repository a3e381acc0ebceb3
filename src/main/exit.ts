/** The program's exit codes, and how start-up gives up: one message on stderr, then the code. */

export const EXIT_CONFIG = 2;
export const EXIT_START_FAILED = 1;

export function fail(message: string, code: number): never {
  process.stderr.write(message + '\n');
  process.exit(code);
}
