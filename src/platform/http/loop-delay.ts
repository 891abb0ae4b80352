import { performance as nodePerformance } from 'node:perf_hooks';

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
 *
 * **Only a turn that kept a newcomer waiting counts** (a node's own work is not overload): a late
 * timer halves the fraction only when a newcomer was read late — during that turn (the turn in
 * progress), or right after it, before the loop went idle (the backlog that queued in the sockets
 * meanwhile: libuv reads it before waiting again). A newcomer read after the loop went idle arrived
 * after the late turn: it waited for nothing, and the last timer's lateness no longer applies to it.
 * So the end of the node's start, the job worker's housekeeping or a garbage collection with nobody
 * asking leave the fraction whole, while a flood, whose newcomers queue behind every long turn, still
 * halves it. The watch begins at `start()` with everyone let in: the server starts it once it listens,
 * so the work done before (modules, database, routes) is not counted either.
 */
export class LoopDelay {
  private lastRun = performance.now();
  private lateness = 0;
  /** the loop's idle time (ms, libuv's) when the last timer ran: more since means it went idle */
  private idleAtTimer = 0;
  private fraction = 1;
  private credit = 0;
  /** a newcomer was read late during the turn in progress: the next timer halves the fraction */
  private waitedInTurn = false;
  /** the last late timer's halving is done (by that timer, or by the first newcomer of its backlog) */
  private halvedForTimer = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly lateMs: number,
    private readonly recovery = 0.02,
    private readonly periodMs = 10,
  ) {}

  start(): void {
    if (this.timer) return;
    this.lastRun = performance.now();
    this.lateness = 0;
    this.fraction = 1;
    this.credit = 0;
    this.waitedInTurn = false;
    const tick = () => {
      const now = performance.now();
      this.lateness = Math.max(0, now - this.lastRun - this.periodMs);
      this.idleAtTimer = idleMs();
      if (this.lateness <= this.lateMs) this.fraction = Math.min(1, this.fraction + this.recovery);
      else if (this.waitedInTurn) this.fraction = Math.max(MIN_FRACTION, this.fraction / 2);
      this.halvedForTimer = this.waitedInTurn;
      this.waitedInTurn = false;
      this.lastRun = now;
      this.timer = setTimeout(tick, this.periodMs).unref();
    };
    this.timer = setTimeout(tick, this.periodMs).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** The last timer's lateness, while it still applies: until the loop goes idle (its backlog read). */
  private lastTimerLateness(): number {
    return idleMs() - this.idleAtTimer > IDLE_MS ? 0 : this.lateness;
  }

  /** The turn in progress: how long since the last timer ran, past its period. */
  private turnLateness(): number {
    return performance.now() - this.lastRun - this.periodMs;
  }

  /** Milliseconds the loop is running late now: the last timer's lateness or the turn in progress (0 while not watched: before `start()`, after `stop()`). */
  current(): number {
    if (!this.timer) return 0;
    return Math.max(this.lateness, this.turnLateness());
  }

  /** How late a newcomer read now was kept: as `current()`, less the last timer's lateness once the loop went idle since. */
  private lateForNewcomer(): number {
    if (!this.timer) return 0;
    return Math.max(this.lastTimerLateness(), this.turnLateness());
  }

  /** The share of newcomers let in now (1: all). */
  admittedFraction(): number {
    return this.lateForNewcomer() > this.lateMs ? 0 : this.fraction;
  }

  /**
   * A newcomer is read (whether or not it is asked to decide): if the loop is late now, it waited,
   * and the late turn counts — halved by the next timer (turn in progress) or at once (the backlog of
   * the last late timer, once per timer).
   */
  noteRequest(): void {
    if (!this.timer) return;
    if (this.turnLateness() > this.lateMs) this.waitedInTurn = true;
    else if (this.lastTimerLateness() > this.lateMs && !this.halvedForTimer) {
      this.fraction = Math.max(MIN_FRACTION, this.fraction / 2);
      this.halvedForTimer = true;
    }
  }

  /** Whether this newcomer may come in (each call is one newcomer: they are let in evenly, at the fraction's rate). */
  admitNewcomer(): boolean {
    this.noteRequest();
    if (this.lateForNewcomer() > this.lateMs) return false;
    if (this.fraction >= 1) return true;
    this.credit += this.fraction;
    if (this.credit < 1) return false;
    this.credit -= 1;
    return true;
  }
}

/** libuv's idle time of this loop (waiting for I/O), in milliseconds. */
const idleMs = () => nodePerformance.eventLoopUtilization().idle;
/**
 * Idle time past which the loop is known to have waited for I/O since the last timer: a wait that
 * returns at once, the backlog being ready, adds microseconds.
 */
const IDLE_MS = 0.5;

/** Even after many late timers, one newcomer in a hundred still comes in (a node never stops admitting altogether). */
const MIN_FRACTION = 0.01;
