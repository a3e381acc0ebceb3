/**
 * The run's log file: every secret of the run redacted (the venue's key too, the simulator's
 * included), bounded in size and age; errors (and warnings with --debug) also on stderr.
 */
import type { Config } from '../config/config.js';
import { FileLogger, makeRedactor } from '../log/logger.js';
import type { VenueCredentials } from './venue.js';

export function openRunLogger(config: Config, credentials: VenueCredentials, isTty: boolean): FileLogger {
  const redact = makeRedactor([
    credentials.apiKey,
    credentials.apiSecret,
    config.influx.password,
    config.influx.adminPassword,
    config.telegram.token,
    config.dashboard?.token ?? null,
  ]);
  return new FileLogger(
    config.paths.logDir,
    config.debug ? 'debug' : 'info',
    redact,
    (line, level) => {
      if (level === 'error' || (config.debug && level === 'warn'))
        process.stderr.write((isTty ? '\r\x1b[K' : '') + line + '\n');
    },
    new Date(),
    {
      maxFileBytes: config.bounds.logFileMaxBytes,
      maxTotalBytes: config.bounds.logMaxTotalBytes,
      maxAgeMs: config.bounds.logMaxAgeMs,
    },
  );
}
