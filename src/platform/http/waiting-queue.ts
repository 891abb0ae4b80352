import { isIPv6 } from 'node:net';

/**
 * The waiting room's queue on this node (in memory: each node keeps its own, as each counts its own
 * requests in progress). Visitors sent to wait join at the end and keep their place across the
 * page's reloads; a place not reloaded for `ttlMs` is given up (the visitor left). A position is
 * 1 + the live places before it.
 *
 * A client address (an IPv6 /64, which one subscriber usually holds whole) takes at most
 * `perAddress` places: varying one's User-Agent does not stuff the queue ahead of everyone else.
 */
export class WaitingQueue {
  /** visitor key → last visit and address group; a Map iterates in insertion order, which is arrival order */
  private readonly entries = new Map<string, { seen: number; group: string }>();
  /** address group → places it holds */
  private readonly perGroup = new Map<string, number>();
  private lastPrune = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly perAddress = 4,
    private readonly capacity = 10_000,
  ) {}

  /** Drops the places not reloaded in time (at most once a second: it walks the queue). */
  prune(now: number): void {
    if (now - this.lastPrune < 1000) return;
    this.lastPrune = now;
    for (const [key, entry] of this.entries) if (now - entry.seen > this.ttlMs) this.leave(key);
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

  /**
   * How many visitors before this one (before everyone, for a visitor not waiting) were seen since
   * `since`: the places of those who still reload their page. A place not reloaded for a while stays
   * kept (its visitor finds it on coming back, until `ttlMs`), but a place that frees up meanwhile
   * goes to whoever is there.
   */
  liveAhead(key: string, since: number): number {
    let live = 0;
    for (const [k, entry] of this.entries) {
      if (k === key) break;
      if (entry.seen >= since) live++;
    }
    return live;
  }

  /**
   * The visitor waits (again): a newcomer joins at the end, someone already waiting keeps their place.
   * Null when the queue is full, or when the visitor's address already holds `perAddress` places.
   */
  wait(key: string, address: string, now: number): number | null {
    const entry = this.entries.get(key);
    if (entry) {
      entry.seen = now; // updating a key's value keeps its place in a Map
      return this.position(key);
    }
    const group = addressGroup(address);
    const held = this.perGroup.get(group) ?? 0;
    if (held >= this.perAddress || this.entries.size >= this.capacity) return null;
    this.entries.set(key, { seen: now, group });
    this.perGroup.set(group, held + 1);
    return this.entries.size;
  }

  /** The visitor got in (or left). */
  leave(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    const held = (this.perGroup.get(entry.group) ?? 1) - 1;
    if (held > 0) this.perGroup.set(entry.group, held);
    else this.perGroup.delete(entry.group);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * The unit of "one client" for the per-address limit: an IPv4 address (also when IPv4-mapped), or
 * the /64 prefix of an IPv6 address (the eight hextets expanded, so that every spelling agrees).
 */
export function addressGroup(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail] = address.toLowerCase().split('%')[0]!.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const hextets = tail === undefined ? left : [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${hextets
    .slice(0, 4)
    .map((h) => h.padStart(4, '0'))
    .join(':')}::/64`;
}
