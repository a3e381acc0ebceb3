/**
 * What the v1 and v2 message builders share: a request that cannot be written correctly throws
 * KrakenWsBuildError before anything is sent (a programming error, never Kraken's answer), and the
 * token check. The token is never included in error messages.
 */
import { AppError } from '../../../core/app-error.js';

export class KrakenWsBuildError extends AppError {
  readonly code = 'WS_BAD_REQUEST';
  readonly kind = 'protocol';
  constructor(message: string) {
    super(message);
    this.name = 'KrakenWsBuildError';
  }
}

export function need(ok: boolean, what: string): void {
  if (!ok) throw new KrakenWsBuildError(what);
}

export function checkToken(token: string): void {
  need(
    typeof token === 'string' && token.length > 0 && token.length <= 512 && !/["\\\s]/.test(token),
    'token is empty or malformed',
  );
}
