import { describe, expect, it } from 'vitest';
import { zodErrors } from '../../src/domains/accounts/outcome.ts';
import { holderSchema } from '../../src/domains/vehicles/complementary/model.ts';

const errorsOf = (siren: string) => {
  const parsed = holderSchema.safeParse({ kind: 'legal', company_name: 'Ambassade de Démonstration', siren });
  return parsed.success ? {} : zodErrors(parsed.error);
};

describe('the holder’s SIREN of a complementary procedure', () => {
  it('an empty SIREN asks for it; a wrong one says it has 9 digits', () => {
    expect(errorsOf('')).toEqual({ siren: 'Saisissez le numéro SIREN' });
    expect(errorsOf('   ')).toEqual({ siren: 'Saisissez le numéro SIREN' });
    expect(errorsOf('123')).toEqual({ siren: 'Le numéro SIREN comporte 9 chiffres' });
    expect(errorsOf('130 000 004')).toEqual({});
  });
});
