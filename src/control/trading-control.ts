/**
 * The operator's stop and resume (dashboard, Telegram). The stop is a shared flag of its own
 * (SharedState.operatorStop) that clears the trading-enabled flag, so listeners stop publishing and
 * the trader stops taking exactly as after a risk stop; a risk, disk or crash stop that comes while
 * it holds keeps its own stop code. Resume clears only the operator's flag and enables trading only
 * when no other stop holds: otherwise it refuses and says why. In trade mode the stop is saved
 * (operator-stop-file.ts) and holds across restarts until a resume. Main thread only; never on the
 * trading path.
 */
import { RISK_STOP_CODES } from '../core/risk-limits.js';
import type { SharedState } from '../engine/shared/shared-state.js';
import { DISK_SPACE_STOP_CODE } from '../main/disk-guard.js';
import { DirectoryNotFlushedError, fileErrorText, type OperatorStopStore } from './operator-stop-file.js';

/**
 * The stop code shown for an operator stop when no other holds (its own flag is the state); risk
 * limits use 1…3, the disk-space watch 10 (disk-guard.ts) and a crashed trade 99 (trader.ts).
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
  /** The stop that names the state: another stop's code, else OPERATOR_STOP_CODE, else 0. */
  readonly stopCode: number;
  /** The operator's stop holds (also while another stop names the state). */
  readonly operatorStopped: boolean;
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
  /** The operator's stop in force is saved (or there is no store to save it in). */
  private saved = false;

  constructor(
    private readonly shared: SharedState,
    private readonly o: TradingControlOptions,
  ) {}

  state(): TradingState {
    const code = this.shared.riskStopCode();
    const operator = this.shared.isOperatorStopped();
    const enabled = this.shared.isTradingEnabled();
    const stopCode = code !== 0 ? code : operator ? OPERATOR_STOP_CODE : 0;
    return {
      mode: this.o.mode,
      tradingEnabled: enabled,
      stopCode,
      operatorStopped: operator,
      stopReason:
        stopCode === 0 && !enabled
          ? 'starting or stopping'
          : code !== 0 && operator
            ? `${stopReasonName(code)}, and an operator stop`
            : stopReasonName(stopCode),
      shuttingDown: this.shared.isShutdownRequested(),
    };
  }

  /** At start-up, before trading is enabled: the stop saved before this start holds again. */
  restoreSavedStop(): void {
    this.shared.operatorStop();
    this.saved = true;
  }

  /**
   * Stops trading whatever else holds (the operator's stop outlasts a risk or disk stop). A second
   * stop saves again when the first could not be saved or flushed.
   */
  stop(source: string): ControlResult {
    const already = this.shared.isOperatorStopped();
    if (already && this.saved) return { ok: true, message: 'trading is already stopped by the operator' };
    this.shared.operatorStop();
    if (already)
      return { ok: true, message: `trading is already stopped by the operator${this.saveStop(source)}` };
    const other = this.shared.riskStopCode();
    const also = other !== 0 ? ` (${stopReasonName(other)} also holds)` : '';
    const message = `trading stopped by the operator (${source})${also}; a trade in flight finishes, no new one starts${this.saveStop(source)}`;
    this.o.onChange('stop', source, message);
    return { ok: true, message };
  }

  resume(source: string): ControlResult {
    const s = this.state();
    if (s.shuttingDown) return { ok: false, message: 'shutting down: trading cannot be resumed' };
    const other = this.shared.riskStopCode();
    if (other !== 0)
      return {
        ok: false,
        message: `not resumed: ${stopReasonName(other)} holds; it is cleared only deliberately (see the log), never from here${s.operatorStopped ? "; the operator's stop stays too" : ''}`,
      };
    if (!s.operatorStopped)
      return s.tradingEnabled
        ? { ok: true, message: 'trading is already on' }
        : {
            ok: false,
            message: 'not resumed: trading is off for start-up or shutdown, not by an operator stop',
          };
    this.shared.clearOperatorStop();
    this.shared.setTradingEnabled(true);
    // A stop that landed meanwhile wins: each sets its own state before clearing the enabled flag.
    const raced = this.shared.riskStopCode();
    if (raced !== 0 || this.shared.isShutdownRequested()) {
      this.shared.operatorStop();
      const why = raced !== 0 ? `${stopReasonName(raced)} holds` : 'shutting down';
      return { ok: false, message: `not resumed: ${why}` };
    }
    const message = `trading resumed by the operator (${source}); risk limits still apply before every trade${this.clearSavedStop()}`;
    this.o.onChange('resume', source, message);
    return { ok: true, message };
  }

  /** Saves the stop; the end of the stop's message (what holds across a restart). */
  private saveStop(source: string): string {
    const store = this.o.store;
    if (store === null) {
      this.saved = true; // nothing to save it in (evaluation mode): it lasts as long as the process
      return '';
    }
    try {
      store.save({ sinceMs: Date.now(), source });
      this.saved = true;
      return '; it holds across restarts until resumed';
    } catch (err) {
      // Not counted as saved: a second stop writes and flushes it again.
      if (err instanceof DirectoryNotFlushedError)
        return `; saved to ${store.path}, but its directory could not be flushed (${fileErrorText(err.reason)}): it holds across restarts, though a power cut could lose it`;
      return `; NOT saved to ${store.path} (${fileErrorText(err)}): a restart would trade again`;
    }
  }

  /** Removes the saved stop after a resume; the end of the resume's message. */
  private clearSavedStop(): string {
    this.saved = false;
    const store = this.o.store;
    if (store === null) return '';
    try {
      store.clear();
      return '';
    } catch (err) {
      if (err instanceof DirectoryNotFlushedError)
        return `; ${store.path} was removed, but its directory could not be flushed (${fileErrorText(err.reason)}): after a power cut the program could start stopped`;
      return `; but ${store.path} could not be removed (${fileErrorText(err)}): a restart would start stopped`;
    }
  }
}
