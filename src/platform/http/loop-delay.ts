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
 * `admitNewcomer` decides for each newcomer: never while the loop is more than `lateMs` late; then
 * for a fraction of them only, halved at each timer found late and grown back by `recovery` at each
 * timer on time (as TCP's window: multiplicative decrease, additive increase). A node that was
 * starved (a long turn, or no CPU for a while) has a backlog of requests that waited all that time —
 * in the accept queue, in the sockets — and one quick turn does not make them fresh: most of them get
 * the waiting page, cheaply, while the fraction grows back; and under a load that keeps the loop
 * late, the fraction settles where it keeps the loop about on time, instead of letting nobody in.
 */
export class LoopDelay {
  private lastRun = performance.now();
  private lateness = 0;
  private fraction = 1;
  private credit = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly lateMs: number,
    private readonly recovery = 0.02,
    private readonly periodMs = 10,
  ) {}

  start(): void {
    if (this.timer) return;
    this.lastRun = performance.now();
    const tick = () => {
      const now = performance.now();
      this.lateness = Math.max(0, now - this.lastRun - this.periodMs);
      this.fraction = this.lateness > this.lateMs ? Math.max(MIN_FRACTION, this.fraction / 2) : Math.min(1, this.fraction + this.recovery);
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

  /** The share of newcomers let in now (1: all). */
  admittedFraction(): number {
    return this.current() > this.lateMs ? 0 : this.fraction;
  }

  /** Whether this newcomer may come in (each call is one newcomer: they are let in evenly, at the fraction's rate). */
  admitNewcomer(): boolean {
    if (this.current() > this.lateMs) return false;
    if (this.fraction >= 1) return true;
    this.credit += this.fraction;
    if (this.credit < 1) return false;
    this.credit -= 1;
    return true;
  }
}

/** Even after many late timers, one newcomer in a hundred still comes in (a node never stops admitting altogether). */
const MIN_FRACTION = 0.01;
