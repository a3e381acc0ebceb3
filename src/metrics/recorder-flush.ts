/**
 * The worker side of the hand-off: every `intervalMs` (its own timer, never the per-frame path) the
 * recorder's batch goes to the main thread as `{ type: 'metrics', batch }`, its buffer transferred,
 * not copied. Stopping flushes once more so a worker's last records are not lost on shutdown.
 */
import type { MetricsRecorder, RecorderBatch } from './recorder.js';

export const defaultRecorderFlushMs = 200;

export interface MetricsMessage {
  readonly type: 'metrics';
  readonly batch: RecorderBatch;
}

/** `post` is e.g. `(m, t) => parentPort.postMessage(m, t)`. Returns stop(). */
export function startRecorderFlush(
  recorder: MetricsRecorder,
  post: (message: MetricsMessage, transfer: ArrayBuffer[]) => void,
  intervalMs = defaultRecorderFlushMs,
): () => void {
  const flush = (): void => {
    const batch = recorder.takeBatch();
    if (batch !== null) post({ type: 'metrics', batch }, [batch.data.buffer]);
  };
  const timer = setInterval(flush, intervalMs);
  timer.unref(); // the worker's lifetime is decided by its sockets and the supervisor, not by metrics
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    flush();
  };
}
