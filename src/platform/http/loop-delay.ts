/**
 * How late this process's event loop runs: the queue a count of requests in progress cannot see.
 *
 * Under overload the requests wait *before* Fastify sees them — in the sockets' buffers while the
 * loop is busy with earlier ones, or while the process waits for a CPU — and each is then handled
 * in a few milliseconds, so the count of requests in progress stays at one or two. What grows is
 * the loop's delay: a timer due every `periodMs` runs late by about the time a request now waits
 * before being read. Two readings, the larger counts:
 * - the lateness of the last timer (how long the loop's last turn kept everything waiting);
 * - the time since that timer ran, past its period (the turn in progress, when a request is read
 *   in the middle of a long batch: the later requests of a burst see the work done before them).
 * The timer is unref'd (it never keeps the process alive) and costs a few microseconds a period.
 *
 * `overloaded` also stays true for `holdMs` after the loop was last seen more than `lateMs` late: a
 * node that was starved (a long turn, or no CPU for a while) has a backlog of requests that waited
 * all that time — in the accept queue, in the sockets — and one quick turn afterwards does not mean
 * they are fresh. Sending them to wait for a moment drains that backlog cheaply before letting
 * newcomers in again.
 */
export class LoopDelay {
  private lastRun = performance.now();
  private lateness = 0;
  private lastLateAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly lateMs: number,
    private readonly holdMs = 1000,
    private readonly periodMs = 10,
  ) {}

  start(): void {
    if (this.timer) return;
    this.lastRun = performance.now();
    const tick = () => {
      const now = performance.now();
      this.lateness = Math.max(0, now - this.lastRun - this.periodMs);
      if (this.lateness > this.lateMs) this.lastLateAt = now;
      this.lastRun = now;
      this.timer = setTimeout(tick, this.periodMs).unref();
    };
    this.timer = setTimeout(tick, this.periodMs).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Milliseconds the loop is running late now. */
  current(): number {
    return Math.max(this.lateness, performance.now() - this.lastRun - this.periodMs);
  }

  /** Late by more than `lateMs` now, or within the last `holdMs`. */
  overloaded(): boolean {
    const now = performance.now();
    if (this.current() > this.lateMs) {
      this.lastLateAt = now;
      return true;
    }
    return now - this.lastLateAt < this.holdMs;
  }
}
