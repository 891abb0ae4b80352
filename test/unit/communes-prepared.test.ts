import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { communesForPostcode, prepareCommunes } from '../../src/domains/vehicles/registry/communes.ts';

/**
 * The postcode index built off the event loop (issue 20, F5: the demo job's first address check held
 * the loop ~0.65 s): parsed in a worker thread, put in the map in slices. It must be the very index
 * the synchronous build gives, every postcode with its communes in the file's order.
 */
describe('the postcode index prepared in a worker thread', () => {
  it('holds every postcode with the same communes, in the same order, as the INSEE file', async () => {
    await prepareCommunes();
    const file = createRequire(import.meta.url).resolve('@etalab/decoupage-administratif/data/communes.json');
    const communes = JSON.parse(readFileSync(file, 'utf8')) as { nom: string; type: string; codesPostaux?: string[] }[];
    const expected = new Map<string, string[]>();
    for (const c of communes) {
      if (c.type !== 'commune-actuelle') continue;
      for (const pc of c.codesPostaux ?? []) expected.set(pc, [...(expected.get(pc) ?? []), c.nom]);
    }
    expect(expected.size).toBeGreaterThan(6000);
    for (const [postcode, names] of expected) expect(communesForPostcode(postcode)).toEqual(names);
    expect(communesForPostcode('69003')).toEqual(['Lyon']);
    expect(communesForPostcode('00000')).toEqual([]);
  }, 120_000);
});
