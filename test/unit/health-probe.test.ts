import { describe, expect, it } from 'vitest';
import { sharedHealthProbe } from '../../src/platform/http/health-probe.ts';

/** A check whose answers the test settles one by one, counting its calls. */
function heldCheck() {
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  return {
    calls: () => pending.length,
    check: () => new Promise<void>((resolve, reject) => pending.push({ resolve, reject })),
    answer: (i: number) => pending[i]!.resolve(),
    fail: (i: number) => pending[i]!.reject(new Error('connection refused')),
  };
}

describe('the shared database check of /healthz', () => {
  it('runs one check for callers that arrive while it runs, and answers them all with it', async () => {
    const held = heldCheck();
    const probe = sharedHealthProbe(held.check, 1000, () => 0);
    const answers = Promise.all(Array.from({ length: 50 }, () => probe()));
    expect(held.calls()).toBe(1);
    held.answer(0);
    expect(await answers).toEqual(Array(50).fill(true));
  });

  it('gives the last answer again within its freshness, and checks again after it', async () => {
    let clock = 0;
    const held = heldCheck();
    const probe = sharedHealthProbe(held.check, 1000, () => clock);
    const first = probe();
    held.answer(0);
    expect(await first).toBe(true);
    clock = 999;
    expect(await probe()).toBe(true);
    expect(held.calls()).toBe(1);
    clock = 1000;
    const second = probe();
    expect(held.calls()).toBe(2);
    held.fail(1);
    expect(await second).toBe(false);
  });

  it('sees a database that stops answering, then one that comes back', async () => {
    let clock = 0;
    const held = heldCheck();
    const probe = sharedHealthProbe(held.check, 1000, () => clock);
    const down = probe();
    held.fail(0);
    expect(await down).toBe(false);
    clock = 500;
    expect(await probe()).toBe(false); // the failure is kept as long as a success would be
    clock = 1500;
    const up = probe();
    held.answer(1);
    expect(await up).toBe(true);
  });
});
