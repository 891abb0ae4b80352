import { describe, expect, it } from 'vitest';
import { declaredBuyerMismatches, isDeclaredBuyer, isOpenSlotTaken, pivotMatches, sameGivenNames } from '../../src/domains/vehicles/registry/ownership.ts';
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

  it('the new holder of a change of holder is the declared buyer: a person by names and birth date, a company by SIREN and name', () => {
    const buyer = { buyer_kind: 'natural', buyer_birth_name: 'Leroy', buyer_given_names: 'Julien', buyer_birth_date: '1985-02-03' } as Declaration;
    const person = (birthName: string, givenNames: string, birthDate: string) => ({ kind: 'natural' as const, birthName, givenNames, birthDate });
    expect(isDeclaredBuyer(buyer, person('LEROY', 'Julien Paul', '1985-02-03'))).toBe(true);
    expect(declaredBuyerMismatches(buyer, person('Durand', 'Paul', '1970-05-05'))).toEqual(['birth_name', 'given_names', 'birth_date']);
    expect(declaredBuyerMismatches(buyer, person('Leroy', 'Julien', '1985-03-02'))).toEqual(['birth_date']);
    const company = { buyer_kind: 'legal', buyer_company_name: 'GARAGE TEST SARL', buyer_siren: '732829320' } as Declaration;
    // the outsider's finding: a person was accepted for a company buyer
    expect(isDeclaredBuyer(company, person('Durand', 'Paul', '1970-05-05'))).toBe(false);
    expect(isDeclaredBuyer(company, { kind: 'legal', companyName: 'Garage Test S.A.R.L.', siren: '732 829 320' })).toBe(true);
    expect(declaredBuyerMismatches(company, { kind: 'legal', companyName: 'GARAGE TEST SARL', siren: '356000000' })).toEqual(['siren']);
    expect(declaredBuyerMismatches(company, { kind: 'legal', companyName: 'AUTRE SOCIETE', siren: '732829320' })).toEqual(['company_name']);
  });

  it('recognises the unique index of one open procedure per vehicle and kind, and only it', () => {
    expect(isOpenSlotTaken({ code: '23505', constraint: 'vehicle_procedures_one_open', message: 'duplicate key value violates unique constraint "vehicle_procedures_one_open"' })).toBe(true);
    expect(isOpenSlotTaken({ code: '23505', constraint: 'vehicle_procedures_file_number_key', message: 'duplicate key value violates unique constraint "vehicle_procedures_file_number_key"' })).toBe(false);
    expect(isOpenSlotTaken(new Error('timeout'))).toBe(false);
  });
});
