/**
 * Per-thread metrics recorder for the workers' hot paths. Each record call is a few stores into
 * preallocated Float64Arrays: no objects, no strings, no I/O. From the worker's own timer (every
 * 100–250 ms, off the per-frame path) `takeBatch()` copies what was recorded into one fresh
 * Float64Array whose buffer the worker transfers to the main thread:
 *
 *   const b = recorder.takeBatch(); if (b) parentPort.postMessage({ type: 'metrics', batch: b }, [b.data.buffer]);
 *
 * The main thread's MetricsHub turns batches into line protocol. A full section drops the newest
 * record and counts it; the count travels in the next batch and ends up in `metric_points_dropped`.
 */
import { copyOpportunity, OPPORTUNITY_FIELDS } from '../core/opportunity.js';

export const recorderBatchKind = 'kraken-arb-metrics';
/** The trader's recorder number; its points carry `listener=trader`. Listeners are 0…N-1. */
export const TRADER_RECORDER_SOURCE = 65_535;
export const recorderBatchVersion = 1;

/** Sections, in batch order. */
export const SEC_INGESTION = 0;
export const SEC_EVALUATION = 1;
export const SEC_LOOP = 2;
export const SEC_TRADE_RECEIVE = 3;
export const SEC_OPPORTUNITY = 4;
export const SECTION_COUNT = 5;

/** Doubles per record: ingestion = [global pair index, Kraken ts (epoch s), receive (epoch µs)]; speeds = [at (epoch µs), duration µs]. */
export const sectionStride: readonly number[] = [3, 2, 2, 2, OPPORTUNITY_FIELDS];

/** Batch header: [version, source, dropped since last batch, count per section ×SECTION_COUNT]. */
export const HEADER_DOUBLES = 3 + SECTION_COUNT;

export interface RecorderBatch {
  readonly kind: typeof recorderBatchKind;
  readonly data: Float64Array<ArrayBuffer>;
}

export interface MetricsRecorderOptions {
  /** Which thread this is (listener index; the trader uses its own number); becomes the `listener` tag. */
  readonly source: number;
  /** Records each section holds between two batches. */
  readonly ingestionCapacity?: number;
  readonly speedCapacity?: number;
  readonly opportunityCapacity?: number;
  /** Keep one in N evaluation/loop timings (1 = all): they are many and alike. */
  readonly evaluationSampleEvery?: number;
  readonly loopSampleEvery?: number;
}

export const defaultIngestionCapacity = 8192;
export const defaultSpeedCapacity = 2048;
export const defaultOpportunityCapacity = 128;

export class MetricsRecorder {
  readonly source: number;
  private readonly sections: Float64Array[];
  private readonly counts = new Int32Array(SECTION_COUNT);
  private readonly capacities: number[];
  private readonly evalEvery: number;
  private readonly loopEvery: number;
  private evalTick = 0;
  private loopTick = 0;
  private droppedSinceBatch = 0;
  /** Records dropped because a section was full, since start. */
  droppedTotal = 0;

  constructor(opts: MetricsRecorderOptions) {
    this.source = opts.source;
    const speed = opts.speedCapacity ?? defaultSpeedCapacity;
    this.capacities = [
      opts.ingestionCapacity ?? defaultIngestionCapacity,
      speed,
      speed,
      speed,
      opts.opportunityCapacity ?? defaultOpportunityCapacity,
    ];
    this.sections = this.capacities.map((cap, s) => new Float64Array(cap * (sectionStride[s] as number)));
    this.evalEvery = Math.max(1, Math.floor(opts.evaluationSampleEvery ?? 1));
    this.loopEvery = Math.max(1, Math.floor(opts.loopSampleEvery ?? 1));
  }

  /** One accepted update: Kraken's timestamp (epoch s, as Kraken sends it) and our receive time (epoch µs). */
  ingestion(pairIndex: number, krakenTsSec: number, recvUs: number): void {
    const at = this.reserve(SEC_INGESTION);
    if (at < 0) return;
    const a = this.sections[SEC_INGESTION] as Float64Array;
    a[at] = pairIndex;
    a[at + 1] = krakenTsSec;
    a[at + 2] = recvUs;
  }

  /**
   * One evaluation's timing, `[at (epoch µs), duration µs]` at `off` in `src`, kept for one
   * evaluation in `evaluationSampleEvery`. Through a typed array, as the hot path hands doubles: a
   * double passed as an argument to a call V8 does not inline is boxed, an allocation (measured:
   * the sampled write, passed two doubles, cost the listener's step 2 bytes per update).
   */
  evaluationFrom(src: Float64Array, off: number): void {
    if (++this.evalTick < this.evalEvery) return;
    this.evalTick = 0;
    this.speedFrom(SEC_EVALUATION, src, off);
  }

  /**
   * Whether this loop is the one in `loopSampleEvery` to time (advances the count). A caller that
   * must read the clock to time its loop asks first, so the other loops cost no clock read.
   */
  loopDue(): boolean {
    if (++this.loopTick < this.loopEvery) return false;
    this.loopTick = 0;
    return true;
  }

  /**
   * One loop's timing, unsampled, for a caller that asked loopDue() first: `[at (epoch µs),
   * duration µs]` at `off` in `src`. Taken through a typed array, as the hot path hands doubles
   * (a double passed as an argument to a call V8 does not inline is boxed: an allocation).
   */
  loopSampleFrom(src: Float64Array, off: number): void {
    this.speedFrom(SEC_LOOP, src, off);
  }

  /** Trader: opportunity hand-off (listener publish → trader picked it up). */
  tradeMessageReceive(atUs: number, durationUs: number): void {
    this.speed(SEC_TRADE_RECEIVE, atUs, durationUs);
  }

  /** Copies one opportunity payload (core/opportunity.ts layout) at `offset` in `payload`. */
  opportunity(payload: Float64Array, offset: number): void {
    if (offset < 0 || offset + OPPORTUNITY_FIELDS > payload.length) {
      this.drop();
      return;
    }
    const at = this.reserve(SEC_OPPORTUNITY);
    if (at < 0) return;
    copyOpportunity(payload, offset, this.sections[SEC_OPPORTUNITY] as Float64Array, at);
  }

  /** Records waiting for the next batch. */
  get pending(): number {
    let n = 0;
    for (let s = 0; s < SECTION_COUNT; s++) n += this.counts[s] as number;
    return n;
  }

  /** Everything recorded since the last call, in one transferable array; null when there is nothing. */
  takeBatch(): RecorderBatch | null {
    if (this.pending === 0 && this.droppedSinceBatch === 0) return null;
    let doubles = HEADER_DOUBLES;
    for (let s = 0; s < SECTION_COUNT; s++)
      doubles += (this.counts[s] as number) * (sectionStride[s] as number);
    const data = new Float64Array(doubles);
    data[0] = recorderBatchVersion;
    data[1] = this.source;
    data[2] = this.droppedSinceBatch;
    let at = HEADER_DOUBLES;
    for (let s = 0; s < SECTION_COUNT; s++) {
      const n = this.counts[s] as number;
      data[3 + s] = n;
      const len = n * (sectionStride[s] as number);
      data.set((this.sections[s] as Float64Array).subarray(0, len), at);
      at += len;
      this.counts[s] = 0;
    }
    this.droppedSinceBatch = 0;
    return { kind: recorderBatchKind, data };
  }

  private speed(section: number, atUs: number, durationUs: number): void {
    const at = this.reserve(section);
    if (at < 0) return;
    const a = this.sections[section] as Float64Array;
    a[at] = atUs;
    a[at + 1] = durationUs;
  }

  /** One `[at, duration]` record of a speed section from `src` at `off`. */
  private speedFrom(section: number, src: Float64Array, off: number): void {
    const at = this.reserve(section);
    if (at < 0) return;
    const a = this.sections[section] as Float64Array;
    a[at] = src[off] as number;
    a[at + 1] = src[off + 1] as number;
  }

  /** Offset of a free record in `section`, or -1 (counted) when it is full. */
  private reserve(section: number): number {
    const n = this.counts[section] as number;
    if (n >= (this.capacities[section] as number)) {
      this.drop();
      return -1;
    }
    this.counts[section] = n + 1;
    return n * (sectionStride[section] as number);
  }

  private drop(): void {
    this.droppedSinceBatch++;
    this.droppedTotal++;
  }
}
