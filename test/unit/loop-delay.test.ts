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
    delay = new LoopDelay(200);
    delay.start();
    await turns(2);
    holdEventLoop(300);
    expect(delay.current()).toBeGreaterThanOrEqual(250);
  });

  it('keeps the last turn’s lateness once the timer has run, then forgets it when the loop keeps up', async () => {
    delay = new LoopDelay(200);
    delay.start();
    await turns(2);
    holdEventLoop(300);
    // the next timer runs ~300 ms late: read in the same turn, just after it
    const afterTimer = await new Promise<number>((resolve) => setTimeout(() => resolve(delay.current()), 0));
    expect(afterTimer).toBeGreaterThanOrEqual(250);
    await turns(5);
    expect(delay.current()).toBeLessThan(250);
  });

  it('does not count a late turn that kept no newcomer waiting (the node’s own work): the share stays whole', async () => {
    delay = new LoopDelay(200);
    delay.start();
    await turns(2);
    holdEventLoop(300); // nobody asked meanwhile
    await turns(2); // the late timer has run, then timers on time
    expect(delay.admittedFraction()).toBe(1);
    expect(delay.admitNewcomer()).toBe(true);
  });

  it('watches nothing before start(): the work of a start is not lateness', () => {
    delay = new LoopDelay(100);
    holdEventLoop(200);
    expect(delay.current()).toBe(0);
    expect(delay.admitNewcomer()).toBe(true);
  });

  it('lets no newcomer in while late, then an even share of them that grows back while the loop keeps up', async () => {
    delay = new LoopDelay(400, 0.01, 10);
    delay.start();
    await turns(2);
    expect(delay.admitNewcomer()).toBe(true); // on time: everyone
    holdEventLoop(600);
    expect(delay.admitNewcomer()).toBe(false); // late now: nobody
    await turns(2); // the late timer halved the share; a few timers on time since
    const share = delay.admittedFraction();
    expect(share).toBeGreaterThan(0.4);
    expect(share).toBeLessThan(0.7);
    const admitted = Array.from({ length: 100 }, () => delay.admitNewcomer()).filter(Boolean).length;
    expect(admitted).toBeGreaterThanOrEqual(Math.floor(share * 100) - 1);
    expect(admitted).toBeLessThanOrEqual(Math.ceil(share * 100) + 1);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // ≥ 50 timers on time: back to everyone
    expect(delay.admittedFraction()).toBe(1);
    expect(Array.from({ length: 100 }, () => delay.admitNewcomer()).every(Boolean)).toBe(true);
  });
});
