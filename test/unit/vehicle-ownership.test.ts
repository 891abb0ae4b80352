import { describe, expect, it } from 'vitest';
import { isDeclaredBuyer, isOpenSlotTaken, pivotMatches, sameGivenNames } from '../../src/domains/vehicles/registry/ownership.ts';
import type { Declaration } from '../../src/domains/vehicles/sale/model.ts';

describe('who is the holder or the declared buyer (issue 14)', () => {
  const fc = { family_name: 'de La Fontaine-Dupont', given_name: 'Jean-Baptiste Marie', birthdate: '1978-07-01' };

  it('compares a FranceConnect identity without accents, case or hyphens, on birth name, given names and birth date', () => {
    expect(pivotMatches(fc, { birthName: 'DE LA FONTAINE DUPONT', givenNames: 'Jean-Baptiste Marie', birthDate: '1978-07-01' })).toBe(true);
    expect(pivotMatches(fc, { birthName: 'de la fontaine-dupont', givenNames: 'JEAN-BAPTISTE', birthDate: '1978-07-01' })).toBe(true);
    expect(pivotMatches(fc, { birthName: 'DUPONT', givenNames: 'Jean-Baptiste Marie', birthDate: '1978-07-01' })).toBe(false);
    expect(pivotMatches(fc, { birthName: 'DE LA FONTAINE DUPONT', givenNames: 'Jean-Baptiste Marie', birthDate: '1978-07-02' })).toBe(false);
    expect(pivotMatches(fc, { birthName: 'DE LA FONTAINE DUPONT', givenNames: 'Jean', birthDate: '1978-07-01' })).toBe(false);
  });

  it('never matches a presumed birth date or an empty name', () => {
    expect(pivotMatches({ ...fc, birthdate: '1978-07-00' }, { birthName: 'DE LA FONTAINE DUPONT', givenNames: 'Jean-Baptiste', birthDate: '1978-07-00' })).toBe(false);
    expect(pivotMatches({ ...fc, family_name: '' }, { birthName: '', givenNames: 'Jean-Baptiste', birthDate: '1978-07-01' })).toBe(false);
  });

  it('given names: all of them when both sides list several, the first when one side has only one', () => {
    expect(sameGivenNames('Sophie Anne', 'Sophie')).toBe(true);
    expect(sameGivenNames('Sophie Anne', 'Sophie Marie')).toBe(false);
    expect(sameGivenNames('Élise', 'ELISE')).toBe(true);
    expect(sameGivenNames('Jean-Pierre', 'Jean')).toBe(false);
    expect(sameGivenNames('', 'Jean')).toBe(false);
  });

  it('the new holder of a change of holder is the declared buyer; a company buyer is not compared on a person', () => {
    const buyer = { buyer_kind: 'natural', buyer_birth_name: 'Leroy', buyer_given_names: 'Julien', buyer_birth_date: '1985-02-03' } as Declaration;
    expect(isDeclaredBuyer(buyer, { birthName: 'LEROY', givenNames: 'Julien Paul', birthDate: '1985-02-03' })).toBe(true);
    expect(isDeclaredBuyer(buyer, { birthName: 'Durand', givenNames: 'Paul', birthDate: '1970-05-05' })).toBe(false);
    expect(isDeclaredBuyer({ ...buyer, buyer_kind: 'legal' } as Declaration, { birthName: 'Durand', givenNames: 'Paul', birthDate: '1970-05-05' })).toBe(true);
  });

  it('recognises the unique index of one open procedure per vehicle and kind, and only it', () => {
    expect(isOpenSlotTaken({ code: '23505', constraint: 'vehicle_procedures_one_open', message: 'duplicate key value violates unique constraint "vehicle_procedures_one_open"' })).toBe(true);
    expect(isOpenSlotTaken({ code: '23505', constraint: 'vehicle_procedures_file_number_key', message: 'duplicate key value violates unique constraint "vehicle_procedures_file_number_key"' })).toBe(false);
    expect(isOpenSlotTaken(new Error('timeout'))).toBe(false);
  });
});
