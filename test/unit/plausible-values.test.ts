import { describe, expect, it } from 'vitest';
import { addressStep, parseBirthDate } from '../../src/domains/identity-docs/model.ts';
import { identitySchema } from '../../src/domains/licences/model.ts';
import { codeRequestSchema } from '../../src/domains/vehicles/confidential-code/model.ts';
import { validateDeclaration } from '../../src/domains/vehicles/sale/model.ts';
import { holderSchema } from '../../src/domains/vehicles/complementary/model.ts';
import { newHolderSchema } from '../../src/domains/vehicles/transfer/model.ts';
import { birthDateProblem, isPlausiblePostcode } from '../../src/platform/plausible.ts';
import { parisDay } from '../../src/platform/time.ts';

const errorsOf = (r: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
  Object.fromEntries((r.error?.issues ?? []).map((i) => [String(i.path[0]), i.message]));

describe('plausible birth dates and postcodes', () => {
  const today = parisDay(new Date());
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

  it('takes a birth date from 1 January 1900 to today, in French otherwise', () => {
    expect(birthDateProblem('1800-05-01', today)).toMatch(/ann\p{L}e de naissance/u);
    expect(birthDateProblem('1899-12-31', today)).toContain('1900');
    expect(birthDateProblem('1900-01-01', today)).toBeNull();
    expect(birthDateProblem(today, today)).toBeNull();
    expect(birthDateProblem(tomorrow, today)).toBe('La date de naissance doit être dans le passé');
  });

  it('takes postcodes from 01000 to 98999, never 00000', () => {
    for (const bad of ['00000', '00999', '99000', '99999', '96100', '7501', 'ABCDE']) expect(isPlausiblePostcode(bad), bad).toBe(false);
    for (const good of ['01000', '75011', '20000', '97400', '98000', '98999']) expect(isPlausiblePostcode(good), good).toBe(true);
  });

  it('every form with a birth date refuses 1800 and tomorrow', () => {
    const licence = { family_name: 'Martin', given_names: 'Camille', sex: 'F', birth_date: '1800-07-14', birth_place: 'Lyon', address_line1: '12 rue de la Roquette', postcode: '75011', commune: 'Paris' };
    expect(errorsOf(identitySchema.safeParse(licence)).birth_date).toContain('1900');
    expect(errorsOf(identitySchema.safeParse({ ...licence, birth_date: tomorrow })).birth_date).toBe('La date de naissance doit être dans le passé');
    expect(parseBirthDate('14/07/1800', today)).toMatchObject({ ok: false, error: expect.stringContaining('1900') });
    expect(parseBirthDate('01/01/1895', today)).toMatchObject({ ok: false });
    expect(errorsOf(holderSchema.safeParse({ kind: 'natural', birth_name: 'Moreau', given_names: 'Lucie', birth_date: '1800-06-14', birth_place: 'Nantes' })).birth_date).toContain('1900');
    const holder = { use: 'personnel', birth_name: 'Moreau', given_names: 'Lucie', birth_date: '1800-06-14', birth_place: 'Nantes', address_line1: '3 place du Commerce', postcode: '44000', commune: 'Nantes' };
    expect(errorsOf(newHolderSchema.safeParse(holder)).birth_date).toContain('1900');
    expect(errorsOf(codeRequestSchema.safeParse({ birth_name: 'Moreau', birth_date: '1800-06-14' })).birth_date).toContain('1900');
    const sale = validateDeclaration({ buyer_kind: 'natural', buyer_birth_name: 'Moreau', buyer_given_names: 'Lucie', buyer_birth_date: '1800-06-14', buyer_postcode: '00000' });
    expect(sale.ok).toBe(false);
    if (!sale.ok) {
      expect(sale.errors.buyer_birth_date).toContain('1900');
      expect(sale.errors.buyer_postcode).toContain('n’existe pas');
    }
  });

  it('every form with a postcode refuses 00000', () => {
    const licence = { family_name: 'Martin', given_names: 'Camille', sex: 'F', birth_date: '1990-07-14', birth_place: 'Lyon', address_line1: '12 rue de la Roquette', postcode: '00000', commune: 'Paris' };
    expect(errorsOf(identitySchema.safeParse(licence)).postcode).toContain('n’existe pas');
    expect(errorsOf(addressStep.safeParse({ line1: '1 rue A', postcode: '00000', commune: 'Paris', heightCm: '170' })).postcode).toContain('n’existe pas');
    const holder = { use: 'personnel', birth_name: 'Moreau', given_names: 'Lucie', birth_date: '1985-06-14', birth_place: 'Nantes', address_line1: '3 place du Commerce', postcode: '00000', commune: 'Nantes' };
    expect(errorsOf(newHolderSchema.safeParse(holder)).postcode).toContain('n’existe pas');
  });
});
