/**
 * What starts the clean stop: SIGINT or SIGTERM (a second one while stopping exits at once),
 * `--duration`, or the simulator exiting. SIGUSR2 is the fault drill: it kills listener 0.
 */
import type { ChildProcess } from 'node:child_process';
import type { Logger } from '../log/logger.js';
import type { SupervisedWorker } from '../engine/threads/supervisor.js';
import { setLongTimeout } from './long-timer.js';
import type { Shutdown } from './shutdown.js';

/** The exit code of a stop cut short by a second signal (128 + SIGINT). */
const EXIT_SECOND_SIGNAL = 130;

export interface StopTriggerDeps {
  readonly shutdown: Shutdown;
  readonly log: Logger;
  readonly listeners: readonly SupervisedWorker[];
  readonly durationS: number | null;
  readonly simChild: ChildProcess | null;
  /** The simulator's last stderr lines, for the log when it exits. */
  readonly simLog: readonly string[];
}

export function armStopTriggers(d: StopTriggerDeps): void {
  const { shutdown, log } = d;
  // A second signal while stopping means "now": the journal is already on disk record by record,
  // and the next start reconciles a trade this cuts short (recover-trades.ts).
  const onSignal = (signal: string): void => {
    if (!shutdown.stopping) {
      void shutdown.run(signal);
      return;
    }
    log.warn('second signal during shutdown: exiting now', { signal });
    process.stderr.write(`\n${signal} again: exiting now; the next start reconciles any trade cut short\n`);
    process.exit(EXIT_SECOND_SIGNAL);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  // Fault drill: `kill -USR2 <pid>` kills the first listener thread as a crash would; the supervisor
  // must restart it. (With TRADER_HOSTS_LISTENER listener-0 is the trader's thread: not this drill's.)
  process.on('SIGUSR2', () => {
    const victim = d.listeners[0];
    if (victim === undefined) {
      log.warn('SIGUSR2: no listener thread of its own to kill (fault drill)');
      return;
    }
    log.warn(`SIGUSR2: killing ${victim.name} (fault drill)`);
    void victim.crash();
  });
  // Any length up to the flag's range (setTimeout alone would fire after 1 ms beyond ~24.8 days).
  if (d.durationS !== null) {
    const durationS = d.durationS;
    setLongTimeout(() => void shutdown.run(`--duration ${durationS}s`), durationS * 1000);
  }
  d.simChild?.on('exit', (code) => {
    if (!shutdown.stopping) {
      log.error('the simulator exited', { code, lastLines: d.simLog.slice(-5) });
      void shutdown.run('simulator exited');
    }
  });
}
