import { afterEach, describe, expect, it } from 'vitest';
import { LoopDelay } from '../../src/platform/http/loop-delay.ts';
import { holdEventLoop } from '../helpers/raw-http.ts';

/** The overload signal of the waiting room: how late the event loop runs (a real loop, held on purpose). */
describe('LoopDelay', () => {
  let delay: LoopDelay;
  afterEach(() => delay.stop());

  const turns = (n: number) => new Promise<void>((resolve) => {
    let left = n;
    const next = () => (--left <= 0 ? resolve() : setTimeout(next, 15));
    setTimeout(next, 15);
  });

  it('sees the turn in progress: a loop busy for 300 ms reads at least 250 ms late before any timer could run', async () => {
    delay = new LoopDelay(200, 1000, 10);
    delay.start();
    await turns(2);
    holdEventLoop(300);
    expect(delay.current()).toBeGreaterThanOrEqual(250);
  });

  it('keeps the last turn’s lateness once the timer has run, then forgets it when the loop keeps up', async () => {
    delay = new LoopDelay(200, 1000, 10);
    delay.start();
    await turns(2);
    holdEventLoop(300);
    // the next timer runs ~300 ms late: read in the same turn, just after it
    const afterTimer = await new Promise<number>((resolve) => setTimeout(() => resolve(delay.current()), 0));
    expect(afterTimer).toBeGreaterThanOrEqual(250);
    await turns(5);
    expect(delay.current()).toBeLessThan(250);
  });

  it('counts as overloaded while late, and for the hold time after (a starved node drains its backlog first)', async () => {
    delay = new LoopDelay(400, 1000, 10);
    delay.start();
    await turns(2);
    holdEventLoop(600);
    expect(delay.overloaded()).toBe(true);
    await turns(3); // the loop keeps up again, within the hold time
    expect(delay.current()).toBeLessThan(400);
    expect(delay.overloaded()).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(delay.overloaded()).toBe(false);
  });
});
