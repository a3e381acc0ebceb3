/** What the run prints for the operator: whole lines, clearing the live status line on a terminal first. */

export interface ConsoleLines {
  readonly isTty: boolean;
  say(line: string): void;
}

export function consoleLines(): ConsoleLines {
  const isTty = process.stdout.isTTY === true;
  return {
    isTty,
    say: (line) => {
      process.stdout.write((isTty ? '\r\x1b[K' : '') + line + '\n');
    },
  };
}
