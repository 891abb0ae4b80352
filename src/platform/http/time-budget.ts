/**
 * A time budget for one class of requests on this node (the back office's, issue 20): its requests
 * may keep the node busy a `share` of the time at most, measured as the elapsed time of its requests
 * in progress. A request is a sequence of steps, each on one core at most (Node or the database), so
 * requests whose elapsed times add up to `share` of the wall time use at most `share` of one core:
 * a pool bounds connections, this bounds time.
 *
 * A token bucket of milliseconds: it fills at `share` ms per ms up to `burstMs`; a finished request
 * spends its elapsed time (the bucket may go into debt, down to −burstMs), and a request in progress
 * counts against what is left its elapsed time so far, or at least what a request lasted lately (a
 * moving average): many arriving at the same instant do not all find the bucket whole. A request is let in at once when nobody else
 * of its class is in progress or waiting (one agent alone is never slowed down, whatever they spent),
 * or when the queue is empty and time is left; else it waits in arrival order (FIFO) until time is
 * left, at most `maxWaitMs` (then `expired`: the caller answers « réessayez »), the queue holding at
 * most `maxQueued` (past it: refused at once). Requests that must never wait (an agent's POST: what
 * they typed is never lost) enter with `force` and still spend.
 *
 * Pure and synchronous, driven by the caller's clock: the caller asks `nextWakeAt` when to call
 * `poll` again (time-budget-plugin.ts sets one timer). In memory, per node: each node protects itself.
 */
export interface TimeBudgetOptions {
  /** the share of the node's time the class may take (0 < share ≤ 1) */
  share: number;
  /** what the bucket holds at most (ms): the burst a quiet class may spend at once, and its largest debt */
  burstMs: number;
  /** the longest a request waits before it is told to retry (ms) */
  maxWaitMs: number;
  /** requests waiting at most; past it a newcomer is refused at once */
  maxQueued: number;
}

export interface BudgetEntry {
  readonly id: number;
  state: 'admitted' | 'queued' | 'expired' | 'refused' | 'done' | 'cancelled';
  /** when it entered the queue, or was admitted */
  readonly askedAt: number;
  admittedAt: number | null;
}

export interface TimeBudgetStats {
  inProgress: number;
  queued: number;
  /** ms left in the bucket now (negative: debt), before the requests in progress */
  tokens: number;
  admitted: number;
  waited: number;
  expired: number;
  refused: number;
}

export class TimeBudget {
  private tokens: number;
  private at: number;
  private readonly inProgress = new Set<BudgetEntry>();
  private readonly queue: BudgetEntry[] = [];
  private nextId = 1;
  /** what a finished request lasted lately (ms, moving average): what one in progress counts at least */
  private typicalMs: number;
  private counts = { admitted: 0, waited: 0, expired: 0, refused: 0 };

  constructor(
    private readonly opts: TimeBudgetOptions,
    now: number,
  ) {
    if (!(opts.share > 0 && opts.share <= 1)) throw new Error('time budget: share must be in ]0, 1]');
    this.tokens = opts.burstMs;
    this.at = now;
    this.typicalMs = opts.burstMs / 10;
  }

  /** A request of the class arrives: admitted at once, queued, or refused (queue full). */
  ask(now: number, force = false): BudgetEntry {
    this.refill(now);
    const entry: BudgetEntry = { id: this.nextId++, state: 'queued', askedAt: now, admittedAt: null };
    const alone = this.inProgress.size === 0 && this.queue.length === 0;
    if (force || alone || (this.queue.length === 0 && this.available(now) > 0)) {
      this.admit(entry, now);
      return entry;
    }
    if (this.queue.length >= this.opts.maxQueued) {
      entry.state = 'refused';
      this.counts.refused++;
      return entry;
    }
    this.counts.waited++;
    this.queue.push(entry);
    return entry;
  }

  /** A request admitted earlier is finished: it spends its elapsed time; then `poll` (those let in behind it, those whose wait is over). */
  finish(entry: BudgetEntry, now: number): { admitted: BudgetEntry[]; expired: BudgetEntry[] } {
    if (entry.state === 'queued') this.cancel(entry);
    if (entry.state !== 'admitted') return this.poll(now);
    this.refill(now);
    this.inProgress.delete(entry);
    entry.state = 'done';
    const elapsed = now - entry.admittedAt!;
    this.tokens = Math.max(-this.opts.burstMs, this.tokens - elapsed);
    this.typicalMs += (elapsed - this.typicalMs) / 8;
    return this.poll(now);
  }

  /** A waiting request whose client went away leaves the queue. */
  cancel(entry: BudgetEntry): void {
    const at = this.queue.indexOf(entry);
    if (at >= 0) this.queue.splice(at, 1);
    if (entry.state === 'queued') entry.state = 'cancelled';
  }

  /** Lets in the front of the queue while time is left, and sends away those that waited too long. */
  poll(now: number): { admitted: BudgetEntry[]; expired: BudgetEntry[] } {
    this.refill(now);
    const expired: BudgetEntry[] = [];
    while (this.queue.length > 0 && now - this.queue[0]!.askedAt >= this.opts.maxWaitMs) {
      const entry = this.queue.shift()!;
      entry.state = 'expired';
      this.counts.expired++;
      expired.push(entry);
    }
    const admitted: BudgetEntry[] = [];
    // the front goes in when time is left, or when nothing runs (a debt alone never stops the queue for long: see nextWakeAt)
    while (this.queue.length > 0 && (this.available(now) > 0 || (this.inProgress.size === 0 && this.tokens >= 0))) {
      const entry = this.queue.shift()!;
      this.admit(entry, now);
      admitted.push(entry);
    }
    return { admitted, expired };
  }

  /** When `poll` may change something (the bucket back out of debt, or the oldest wait expiring); null: nothing waits. */
  nextWakeAt(now: number): number | null {
    if (this.queue.length === 0) return null;
    this.refill(now);
    const expiry = this.queue[0]!.askedAt + this.opts.maxWaitMs;
    // with requests in progress, time comes back only when one finishes (finish polls)
    if (this.inProgress.size > 0) return expiry;
    const refilled = this.tokens >= 0 ? now : now + Math.ceil(-this.tokens / this.opts.share);
    return Math.min(expiry, refilled);
  }

  stats(now: number): TimeBudgetStats {
    this.refill(now);
    return { inProgress: this.inProgress.size, queued: this.queue.length, tokens: Math.round(this.tokens), ...this.counts };
  }

  private admit(entry: BudgetEntry, now: number): void {
    entry.state = 'admitted';
    entry.admittedAt = now;
    this.inProgress.add(entry);
    this.counts.admitted++;
  }

  /** The bucket minus the time of the requests in progress: elapsed so far, or at least a typical request's. */
  private available(now: number): number {
    let running = 0;
    for (const entry of this.inProgress) running += Math.max(now - entry.admittedAt!, this.typicalMs);
    return this.tokens - running;
  }

  private refill(now: number): void {
    if (now > this.at) this.tokens = Math.min(this.opts.burstMs, this.tokens + (now - this.at) * this.opts.share);
    this.at = Math.max(this.at, now);
  }
}
