import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { communeByCode, communesForPostcode as placesForPostcode, departments } from '../../src/domains/directory/communes-geo.ts';
import { checkAddress, communesForPostcode } from '../../src/domains/vehicles/registry/communes.ts';

/** What Node's module cache holds of the INSEE reference files (kept for the life of the process once `require`d). */
const cachedReferenceFiles = () => Object.keys(createRequire(import.meta.url).cache).filter((file) => /decoupage-administratif|communes-geo\.json/.test(file));

describe('the communes reference held in memory (issue 20, memory after load)', () => {
  it('indexes the postcodes of the address checks without keeping the 8.6 MB reference in the module cache', () => {
    expect(communesForPostcode('69003')).toEqual(['Lyon']);
    expect(checkAddress({ line1: '2 place Bellecour', postcode: '69002', commune: 'Lyon' }).ok).toBe(true);
    expect(cachedReferenceFiles()).toEqual([]);
  });

  it('builds the directory’s communes, positions and départements without keeping their files in the module cache', () => {
    expect(placesForPostcode('08000').map((c) => c.name)).toContain('Charleville-Mézières');
    expect(communeByCode('75056')).toBeUndefined(); // Paris is searched by arrondissement
    expect(communeByCode('75101')?.name).toBe('Paris 1er Arrondissement');
    expect(departments()).toHaveLength(101);
    expect(cachedReferenceFiles()).toEqual([]);
  });
});
