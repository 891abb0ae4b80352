/**
 * How many requests a node lets in at once: the waiting room's limit, adapted to what the node
 * actually manages (additive increase, multiplicative decrease, as TCP does with its window).
 *
 * Every counted request's time (from its admission to its response) is recorded. At the end of each
 * window (at least `windowMs` and `minSamples` answers), the slowest tenth decides:
 * - above the target: the limit shrinks by a fifth (never below `floor`): fewer pages at once, each fast;
 * - well under the target (half) while the node was full (someone was sent to wait): it grows by a
 *   tenth (at least one), up to `max`;
 * - otherwise it stays.
 * With `targetMs` 0 the limit is fixed at `max`. No timer: windows close on the responses themselves.
 */
export interface AdaptiveLimitOptions {
  /** the ceiling (ADMISSION_MAX_CONCURRENT) */
  max: number;
  /** the lowest the limit goes (kept at or under max) */
  floor: number;
  /** latency (ms) the slowest tenth of admitted requests should stay under; 0: fixed limit */
  targetMs: number;
  windowMs?: number;
  minSamples?: number;
}

export class AdaptiveLimit {
  private limit: number;
  private readonly floor: number;
  private readonly windowMs: number;
  private readonly minSamples: number;
  private samples: number[] = [];
  private windowStart: number | null = null;
  private saturated = false;

  constructor(private readonly opts: AdaptiveLimitOptions) {
    this.limit = opts.max;
    this.floor = Math.max(1, Math.min(opts.floor, opts.max));
    this.windowMs = opts.windowMs ?? 1000;
    this.minSamples = opts.minSamples ?? 10;
  }

  /** Requests in progress past which newcomers wait. */
  current(): number {
    return this.limit;
  }

  /** A newcomer found the node full (the limit is what holds the load back: growing it may be worth it). */
  full(): void {
    this.saturated = true;
  }

  /** An admitted request answered after `latencyMs`; `now` in milliseconds. */
  record(latencyMs: number, now: number): void {
    if (this.opts.targetMs <= 0) return;
    this.windowStart ??= now;
    this.samples.push(latencyMs);
    if (now - this.windowStart < this.windowMs || this.samples.length < this.minSamples) return;
    const sorted = this.samples.sort((a, b) => a - b);
    const p90 = sorted[Math.min(sorted.length - 1, Math.floor(0.9 * sorted.length))]!;
    if (p90 > this.opts.targetMs) this.limit = Math.max(this.floor, Math.floor(this.limit * 0.8));
    else if (this.saturated && p90 < this.opts.targetMs / 2) this.limit = Math.min(this.opts.max, this.limit + Math.max(1, Math.round(this.limit * 0.1)));
    this.samples = [];
    this.windowStart = now;
    this.saturated = false;
  }
}
