import { describe, expect, it } from 'vitest';
import { sharedRead } from '../../src/platform/shared-read.ts';

/** A read whose answers the test settles one by one. */
function heldReads() {
  const pending: { resolve: (v: string) => void; reject: (e: Error) => void }[] = [];
  return {
    calls: () => pending.length,
    read: () => new Promise<string>((resolve, reject) => pending.push({ resolve, reject })),
    answer: (i: number, v: string) => pending[i]!.resolve(v),
    fail: (i: number) => pending[i]!.reject(new Error('connexion refusée')),
  };
}

describe('a value read once for all callers (shared-read.ts)', () => {
  it('reads once for callers that arrive together, and keeps the value for its freshness', async () => {
    let clock = 0;
    const held = heldReads();
    const shared = sharedRead(held.read, 1000, () => clock);
    const together = Promise.all([shared.get(), shared.get(), shared.get()]);
    expect(held.calls()).toBe(1);
    held.answer(0, 'avis');
    expect(await together).toEqual(['avis', 'avis', 'avis']);
    clock = 999;
    expect(await shared.get()).toBe('avis');
    clock = 1000;
    const again = shared.get();
    expect(held.calls()).toBe(2);
    held.answer(1, 'avis 2');
    expect(await again).toBe('avis 2');
  });

  it('does not keep a failed read: the next caller reads again', async () => {
    const held = heldReads();
    const shared = sharedRead(held.read, 1000, () => 0);
    const failed = shared.get();
    held.fail(0);
    await expect(failed).rejects.toThrow('connexion refusée');
    const next = shared.get();
    expect(held.calls()).toBe(2);
    held.answer(1, 'avis');
    expect(await next).toBe('avis');
  });

  it('after forget(), reads again, and never keeps what a read started before it brought back', async () => {
    const held = heldReads();
    const shared = sharedRead(held.read, 1000, () => 0);
    const before = shared.get(); // a read started before a change
    shared.forget(); // the change is written
    const after = shared.get();
    expect(held.calls()).toBe(2);
    held.answer(1, 'nouvel avis');
    held.answer(0, 'ancien avis'); // the older read ends last
    expect(await before).toBe('ancien avis');
    expect(await after).toBe('nouvel avis');
    expect(await shared.get()).toBe('nouvel avis');
    expect(held.calls()).toBe(2);
  });
});
