/**
 * A budget of requests per address group (a token bucket): `burst` at once, then `perSecond`.
 * The waiting room spends it on the back office's requests from people not signed in while the node
 * is busy (admission.ts): an agent signing in needs four requests, a flood from one machine
 * thousands. In memory, per node; the groups whose budget is whole again are forgotten.
 */
export class AddressBudget {
  private readonly groups = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    private readonly maxGroups = 10_000,
  ) {}

  /** Takes one request from this group's budget: false when it is spent. */
  take(group: string, now: number): boolean {
    const entry = this.groups.get(group);
    const tokens = entry ? Math.min(this.burst, entry.tokens + ((now - entry.at) / 1000) * this.perSecond) : this.burst;
    if (tokens < 1) {
      if (entry) Object.assign(entry, { tokens, at: now });
      return false;
    }
    if (!entry && this.groups.size >= this.maxGroups) this.forgetWhole(now);
    this.groups.set(group, { tokens: tokens - 1, at: now });
    return true;
  }

  get size(): number {
    return this.groups.size;
  }

  private forgetWhole(now: number): void {
    for (const [group, entry] of this.groups) if (entry.tokens + ((now - entry.at) / 1000) * this.perSecond >= this.burst) this.groups.delete(group);
  }
}
