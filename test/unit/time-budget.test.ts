import { describe, expect, it } from 'vitest';
import { TimeBudget, type BudgetEntry } from '../../src/platform/http/time-budget.ts';

/**
 * The back office's time budget (issue 20), on a fake clock (ms): a share of 0.25 fills the bucket
 * with 250 ms a second, up to 250 ms; waits last 5 s at most; 3 requests may wait.
 */
const options = { share: 0.25, burstMs: 250, maxWaitMs: 5000, maxQueued: 3 };
const states = (entries: BudgetEntry[]) => entries.map((e) => e.state);

/** Two requests in progress since 0, and by 200 ms the bucket is spent: the next ones wait. */
function spentBudget(opts = options): { budget: TimeBudget; running: [BudgetEntry, BudgetEntry] } {
  const budget = new TimeBudget(opts, 0);
  const running: [BudgetEntry, BudgetEntry] = [budget.ask(0), budget.ask(0)];
  expect(states(running)).toEqual(['admitted', 'admitted']);
  return { budget, running };
}

describe('the back office’s time budget', () => {
  it('never queues one agent alone, however much time their searches take one after the other', () => {
    const budget = new TimeBudget(options, 0);
    let now = 0;
    for (let i = 0; i < 100; i++) {
      const search = budget.ask(now);
      expect(search.state).toBe('admitted');
      now += 300; // each search longer than the whole bucket
      expect(budget.finish(search, now)).toEqual({ admitted: [], expired: [] });
      now += 1; // the agent reads the page, then searches again
    }
    expect(budget.stats(now)).toMatchObject({ waited: 0, admitted: 100, tokens: -250 });
  });

  it('lets a second agent in at once while time is left, and makes a third wait once it is spent', () => {
    const budget = new TimeBudget(options, 0);
    const first = budget.ask(0);
    expect(budget.ask(50).state).toBe('admitted'); // 250 − 50 (the first so far) left
    const third = budget.ask(160); // 250 − 160 − 110 < 0
    expect(third.state).toBe('queued');
    expect(budget.stats(160)).toMatchObject({ inProgress: 2, queued: 1 });
    expect(first.state).toBe('admitted');
  });

  it('does not let a crowd arriving at the same instant all in', () => {
    const budget = new TimeBudget(options, 0);
    const crowd = Array.from({ length: 20 }, () => budget.ask(0));
    const admitted = crowd.filter((e) => e.state === 'admitted').length;
    expect(admitted).toBeGreaterThan(1);
    expect(admitted).toBeLessThanOrEqual(10); // 250 ms for requests of 25 ms (a tenth of the burst) until one is measured
  });

  it('holds the back office to its share of the time while 20 agents compete', () => {
    const budget = new TimeBudget({ ...options, maxQueued: 100 }, 0);
    // 20 agents in a closed loop, each search 40 ms once admitted, for 60 s
    const agents: { entry: BudgetEntry; endsAt: number | null }[] = [];
    let now = 0;
    let busy = 0;
    const started = (entry: BudgetEntry) => ({ entry, endsAt: entry.state === 'admitted' ? now + 40 : null });
    const admit = (entries: BudgetEntry[]) => entries.forEach((e) => (agents.find((a) => a.entry === e)!.endsAt = now + 40));
    for (let i = 0; i < 20; i++) agents.push(started(budget.ask(now)));
    let expired = 0;
    for (; now < 60_000; now++) {
      for (const agent of agents) {
        if (agent.endsAt !== null && agent.endsAt <= now) {
          busy += 40;
          agent.endsAt = null;
          admit(budget.finish(agent.entry, now).admitted);
          Object.assign(agent, started(budget.ask(now)));
        } else if (agent.entry.state === 'expired') (expired++, Object.assign(agent, started(budget.ask(now))));
      }
      const polled = budget.poll(now);
      admit(polled.admitted);
    }
    // 25 % of 60 s is 15 s of searches: within a burst and the searches in progress
    expect(busy).toBeGreaterThan(15_000 - 500);
    expect(busy).toBeLessThanOrEqual(15_000 + 250 + 20 * 40);
    expect(budget.stats(now).waited).toBeGreaterThan(300); // 20 agents want 100 % of the time: they take turns
    expect(expired).toBe(0); // 6 searches a second for 20 agents: about 3 s each, under the 5 s bound
  });

  it('lets those waiting in in their order of arrival, as time comes back', () => {
    const { budget, running: [first, second] } = spentBudget({ ...options, maxQueued: 10 });
    const [a, b, c] = [budget.ask(150), budget.ask(160), budget.ask(170)] as [BudgetEntry, BudgetEntry, BudgetEntry];
    expect(states([a, b, c])).toEqual(['queued', 'queued', 'queued']);
    expect(budget.finish(first, 300).admitted).toEqual([]); // 250 − 300: in debt, the other still running
    expect(budget.finish(second, 400).admitted).toEqual([]); // the debt stops at one burst: −250
    expect(budget.stats(400).tokens).toBe(-250);
    // nothing runs: the queue wakes when the bucket is back out of debt (250 ms at 0.25 ms per ms)
    expect(budget.nextWakeAt(400)).toBe(1400);
    expect(budget.poll(1400).admitted).toEqual([a]);
    expect(states([a, b, c])).toEqual(['admitted', 'queued', 'queued']);
    expect(budget.finish(a, 1410).admitted).toEqual([]); // 0 + 2.5 − 10
    expect(budget.nextWakeAt(1410)).toBe(1440);
    expect(budget.poll(1440).admitted).toEqual([b]);
    expect(budget.finish(b, 1450).admitted).toEqual([]);
    expect(budget.poll(1480).admitted).toEqual([c]);
  });

  it('sends away a request that waited longer than the bound, and refuses newcomers when the queue is full', () => {
    const { budget } = spentBudget();
    const queued = [budget.ask(200), budget.ask(201), budget.ask(202)];
    expect(states(queued)).toEqual(['queued', 'queued', 'queued']);
    expect(budget.ask(203).state).toBe('refused');
    expect(budget.nextWakeAt(210)).toBe(5200); // the oldest wait ends (requests still run: no refill wake-up)
    expect(budget.poll(5199).expired).toEqual([]);
    expect(budget.poll(5201).expired).toEqual(queued.slice(0, 2));
    expect(states(queued)).toEqual(['expired', 'expired', 'queued']);
    expect(budget.stats(5201)).toMatchObject({ queued: 1, expired: 2, refused: 1, waited: 3 });
  });

  it('hands back, when a request ends, those whose wait ran out meanwhile (none is left waiting forever)', () => {
    const { budget, running } = spentBudget();
    const late = budget.ask(200);
    expect(late.state).toBe('queued');
    // nobody polled in between: the end of a running request must send the expired one away
    expect(budget.finish(running[0], 6000)).toEqual({ admitted: [], expired: [late] });
    expect(late.state).toBe('expired');
  });

  it('forgets a waiting request whose client went away', () => {
    const { budget } = spentBudget();
    const gone = budget.ask(200);
    const next = budget.ask(201);
    budget.cancel(gone);
    expect(gone.state).toBe('cancelled');
    expect(budget.stats(201).queued).toBe(1);
    expect(budget.nextWakeAt(201)).toBe(5201); // the wait of the one still queued
    expect(next.state).toBe('queued');
  });

  it('never makes a forced request (an agent’s POST) wait, but counts its time', () => {
    const { budget } = spentBudget();
    expect(budget.ask(200).state).toBe('queued');
    const post = budget.ask(201, true);
    expect(post.state).toBe('admitted');
    budget.finish(post, 701);
    expect(budget.stats(701).tokens).toBe(-250); // 250 − 500, no further than one burst of debt
  });
});
