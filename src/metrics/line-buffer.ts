/**
 * Bounded FIFO of encoded lines. When full, the oldest line is overwritten and counted: memory stays
 * bounded however long InfluxDB is away, and what survives is the most recent data.
 */
export class LineBuffer {
  private readonly ring: (string | undefined)[];
  private head = 0; // index of the oldest line
  private count = 0;
  /** Lines overwritten because the buffer was full. */
  overwritten = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`LineBuffer capacity must be ≥ 1, got ${capacity}`);
    this.ring = new Array<string | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(line: string): void {
    const tail = (this.head + this.count) % this.capacity;
    this.ring[tail] = line;
    if (this.count < this.capacity) this.count++;
    else {
      this.head = (this.head + 1) % this.capacity;
      this.overwritten++;
    }
  }

  /** Removes and returns up to `max` oldest lines. */
  take(max: number): string[] {
    const n = Math.min(max, this.count);
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) {
      const idx = (this.head + i) % this.capacity;
      out[i] = this.ring[idx] as string;
      this.ring[idx] = undefined;
    }
    this.head = (this.head + n) % this.capacity;
    this.count -= n;
    return out;
  }
}
