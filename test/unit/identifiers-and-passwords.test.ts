import { describe, expect, it } from 'vitest';
import { isValidApprovalNumber, isValidSiret } from '../../src/domains/accounts/identifiers.ts';
import { estimateEntropyBits, hashPassword, passwordProblem, verifyPassword } from '../../src/domains/accounts/passwords.ts';

describe('SIRET', () => {
  it('accepts a SIRET whose 14 digits pass Luhn', () => {
    expect(isValidSiret('73282932000074')).toBe(true);
    expect(isValidSiret('732 829 320 00074')).toBe(true);
  });
  it('refuses a wrong check digit, a wrong length or letters', () => {
    expect(isValidSiret('73282932000075')).toBe(false);
    expect(isValidSiret('7328293200007')).toBe(false);
    expect(isValidSiret('7328293200007A')).toBe(false);
  });
  it('accepts La Poste establishments whose digit sum is a multiple of 5, and its head office by Luhn', () => {
    expect(isValidSiret('35600000049837')).toBe(true);
    expect(isValidSiret('35600000000048')).toBe(true);
    expect(isValidSiret('35600000049838')).toBe(false);
  });
});

describe('approval numbers', () => {
  it('reads E for driving schools and R for road-safety centres, spaces allowed', () => {
    expect(isValidApprovalNumber('E 24 075 0012 0', 'E')).toBe(true);
    expect(isValidApprovalNumber('e24075 00120', 'E')).toBe(true);
    expect(isValidApprovalNumber('R 23 02A 0005 1', 'R')).toBe(true);
    expect(isValidApprovalNumber('E 24 075 0012 0', 'R')).toBe(false);
    expect(isValidApprovalNumber('E 24 075 12', 'E')).toBe(false);
  });
});

describe('password policy (CNIL 2022-100)', () => {
  it('accepts 14 characters with no composition rule', () => {
    expect(passwordProblem('cheval batterie agrafe')).toBeNull();
  });
  it('accepts 12 characters mixing the four kinds of characters', () => {
    expect(estimateEntropyBits('Tr0mbone!Vx7')).toBeGreaterThanOrEqual(78);
    expect(passwordProblem('Tr0mbone!Vx7')).toBeNull();
  });
  it('refuses fewer than 12 characters, and 12–13 without enough entropy', () => {
    expect(passwordProblem('Court1!')).toBe('Le mot de passe doit contenir au moins 12 caractères');
    expect(passwordProblem('chevalbatter')).toMatch(/^Avec moins de 14 caractères/);
  });
  it('refuses trivially guessable passwords, even long ones', () => {
    for (const p of ['motdepasse123456', 'azertyuiopqsdf', '12345678901234', 'aaaaaaaaaaaaaaaa', 'Password1234!!', 'P@ssw0rdP@ssw0rd'])
      expect(passwordProblem(p), p).toMatch(/trop facile à deviner/);
    expect(passwordProblem('dupont.jeanne-2026', { email: 'jeanne.dupont@example.fr', names: ['Dupont'] })).toMatch(/trop facile/);
  });
});

describe('argon2id hashing', () => {
  it('hashes with argon2id and explicit parameters, and verifies', async () => {
    const h = await hashPassword('cheval batterie agrafe');
    expect(h).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(h, 'cheval batterie agrafe')).toBe(true);
    expect(await verifyPassword(h, 'cheval batterie agrafé')).toBe(false);
    expect(await verifyPassword(null, 'anything')).toBe(false);
  });
});
