/**
 * The waiting room's queue on this node (in memory: each node keeps its own, as each counts its own
 * requests in progress). Visitors sent to wait join at the end and keep their place across the
 * page's reloads; a place not reloaded for `ttlMs` is given up (the visitor left). A position is
 * 1 + the live places before it.
 */
export class WaitingQueue {
  /** visitor key → last visit; a Map iterates in insertion order, which is arrival order */
  private readonly entries = new Map<string, number>();
  private lastPrune = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly capacity = 10_000,
  ) {}

  /** Drops the places not reloaded in time (at most once a second: it walks the queue). */
  prune(now: number): void {
    if (now - this.lastPrune < 1000) return;
    this.lastPrune = now;
    for (const [key, seen] of this.entries) if (now - seen > this.ttlMs) this.entries.delete(key);
  }

  /** The visitor's position (1: next to enter), or null when not waiting. */
  position(key: string): number | null {
    if (!this.entries.has(key)) return null;
    let position = 1;
    for (const k of this.entries.keys()) {
      if (k === key) return position;
      position++;
    }
    return null;
  }

  /** The visitor waits (again): a newcomer joins at the end, someone already waiting keeps their place. Null when the queue is full. */
  wait(key: string, now: number): number | null {
    if (!this.entries.has(key) && this.entries.size >= this.capacity) return null;
    this.entries.set(key, now); // updating a key keeps its place in a Map
    return this.position(key);
  }

  /** The visitor got in. */
  leave(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
