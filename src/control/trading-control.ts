/**
 * The operator's stop and resume (dashboard, Telegram), through the same shared trading-enabled
 * flag and stop code the risk limits use: a stop is a stop code of its own (OPERATOR_STOP_CODE), so
 * listeners stop publishing and the trader stops taking exactly as after a risk stop. Resume clears
 * only the operator's own stop: while a risk-limit stop (or a trade crash) holds, it refuses and
 * says why. In trade mode the stop is saved (operator-stop-file.ts) and holds across restarts
 * until a resume. Main thread only; never on the trading path.
 */
import { RISK_STOP_CODES } from '../core/risk-limits.js';
import type { SharedState } from '../engine/shared/shared-state.js';
import { DISK_SPACE_STOP_CODE } from '../main/disk-guard.js';
import { operatorStopFileError, type OperatorStopStore } from './operator-stop-file.js';

/**
 * The stop code of an operator stop; risk limits use 1…3, the disk-space watch 10 (disk-guard.ts)
 * and a crashed trade 99 (trader.ts).
 */
export const OPERATOR_STOP_CODE = 100;
const TRADE_CRASH_CODE = 99;

/** What a stop code means, for an operator. */
export function stopReasonName(code: number): string {
  if (code === 0) return 'none';
  if (code === OPERATOR_STOP_CODE) return 'operator stop';
  if (code === TRADE_CRASH_CODE) return 'a trade failed unexpectedly';
  if (code === DISK_SPACE_STOP_CODE) return 'disk almost full';
  const risk = Object.entries(RISK_STOP_CODES).find(([, c]) => c === code);
  return risk !== undefined ? `risk limit ${risk[0]}` : `stop code ${code}`;
}

export interface TradingState {
  readonly mode: 'evaluate' | 'trade';
  readonly tradingEnabled: boolean;
  readonly stopCode: number;
  /** 'none', 'operator stop', 'risk limit max-daily-loss'… */
  readonly stopReason: string;
  readonly shuttingDown: boolean;
}

export interface ControlResult {
  readonly ok: boolean;
  /** One line for the operator. */
  readonly message: string;
}

export interface TradingControlOptions {
  readonly mode: 'evaluate' | 'trade';
  /** Each change the operator made, with where it came from (`dashboard`, `telegram`). */
  readonly onChange: (change: 'stop' | 'resume', source: string, message: string) => void;
  /** Where a stop is kept across restarts (trade mode); null: it lasts as long as the process. */
  readonly store: OperatorStopStore | null;
}

export class TradingControl {
  constructor(
    private readonly shared: SharedState,
    private readonly o: TradingControlOptions,
  ) {}

  state(): TradingState {
    const code = this.shared.riskStopCode();
    const enabled = this.shared.isTradingEnabled();
    return {
      mode: this.o.mode,
      tradingEnabled: enabled,
      stopCode: code,
      stopReason: code === 0 && !enabled ? 'starting or stopping' : stopReasonName(code),
      shuttingDown: this.shared.isShutdownRequested(),
    };
  }

  stop(source: string): ControlResult {
    const before = this.shared.riskStopCode();
    if (before !== 0) return { ok: true, message: `trading is already stopped (${stopReasonName(before)})` };
    this.shared.riskStop(OPERATOR_STOP_CODE);
    const code = this.shared.riskStopCode();
    if (code !== OPERATOR_STOP_CODE)
      return { ok: true, message: `trading is already stopped (${stopReasonName(code)})` };
    const message = `trading stopped by the operator (${source}); a trade in flight finishes, no new one starts${this.saveStop(source)}`;
    this.o.onChange('stop', source, message);
    return { ok: true, message };
  }

  resume(source: string): ControlResult {
    const s = this.state();
    if (s.shuttingDown) return { ok: false, message: 'shutting down: trading cannot be resumed' };
    if (s.stopCode !== 0 && s.stopCode !== OPERATOR_STOP_CODE)
      return {
        ok: false,
        message: `not resumed: ${s.stopReason} holds; it is cleared only deliberately (see the log), never from here`,
      };
    if (s.stopCode === 0)
      return s.tradingEnabled
        ? { ok: true, message: 'trading is already on' }
        : {
            ok: false,
            message: 'not resumed: trading is off for start-up or shutdown, not by an operator stop',
          };
    if (!this.shared.clearStopCode(OPERATOR_STOP_CODE))
      return { ok: false, message: `not resumed: ${stopReasonName(this.shared.riskStopCode())} holds` };
    this.shared.setTradingEnabled(true);
    // A risk stop that landed between the two steps above wins: it set its code before the flag.
    const raced = this.shared.riskStopCode();
    if (raced !== 0) {
      this.shared.setTradingEnabled(false);
      return { ok: false, message: `not resumed: ${stopReasonName(raced)} holds` };
    }
    const message = `trading resumed by the operator (${source}); risk limits still apply before every trade${this.clearSavedStop()}`;
    this.o.onChange('resume', source, message);
    return { ok: true, message };
  }

  /** Saves the stop; the end of the stop's message (what holds across a restart). */
  private saveStop(source: string): string {
    const store = this.o.store;
    if (store === null) return '';
    try {
      store.save({ sinceMs: Date.now(), source });
      return '; it holds across restarts until resumed';
    } catch (err) {
      return `; NOT saved to ${store.path} (${operatorStopFileError(err)}): a restart would trade again`;
    }
  }

  /** Removes the saved stop after a resume; the end of the resume's message. */
  private clearSavedStop(): string {
    const store = this.o.store;
    if (store === null) return '';
    try {
      store.clear();
      return '';
    } catch (err) {
      return `; but ${store.path} could not be removed (${operatorStopFileError(err)}): a restart would start stopped`;
    }
  }
}
