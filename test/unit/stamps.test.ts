import { describe, expect, it } from 'vitest';
import { addMonths, groupDigits, luhnDigit, luhnValid, parseStampNumber, refundProblem, stampProblem } from '../../src/domains/stamps/model.ts';

const valid = (partial: string) => partial + luhnDigit(partial);

describe('fiscal stamp rules', () => {
  it('reads 16 digits, spaces allowed, and rejects anything else in French', () => {
    const n = valid('123456789012345');
    expect(parseStampNumber(groupDigits(n))).toEqual({ ok: true, digits: n });
    expect(parseStampNumber(` ${n.slice(0, 8)} ${n.slice(8)} `)).toEqual({ ok: true, digits: n });
    expect(parseStampNumber('')).toEqual({ ok: false, error: 'Saisissez le numéro du timbre fiscal électronique (16 chiffres)' });
    expect(parseStampNumber('1234 5678')).toEqual({ ok: false, error: 'Le numéro du timbre doit comporter 16 chiffres, par exemple 1234 5678 9012 3456' });
    expect(parseStampNumber('1234 5678 9012 345A')).toMatchObject({ ok: false });
    expect(parseStampNumber(`${n}0`)).toMatchObject({ ok: false });
  });

  it('catches a mistyped digit with the check digit', () => {
    const n = valid('400000000000000');
    expect(luhnValid(n)).toBe(true);
    const typo = `${n.slice(0, 3)}${(Number(n[3]) + 1) % 10}${n.slice(4)}`;
    expect(parseStampNumber(typo)).toEqual({ ok: false, error: 'Ce numéro de timbre n’est pas valide : vérifiez chacun des 16 chiffres' });
  });

  it('refuses a stamp worth less than due, used, refunded, or older than 12 months', () => {
    const now = new Date('2026-06-15T10:00:00Z');
    const base = { status: 'available' as const, amount_cents: 1700, purchased_at: new Date('2026-06-01T10:00:00Z') };
    expect(stampProblem(base, 1700, now)).toBeNull();
    expect(stampProblem(base, 2500, now)).toBe('Le timbre vaut 17,00 € : il faut un timbre de 25,00 €');
    expect(stampProblem({ ...base, status: 'used' }, 1700, now)).toBe('Ce timbre a déjà été utilisé pour une autre démarche : achetez un nouveau timbre');
    expect(stampProblem({ ...base, status: 'refunded' }, 1700, now)).toContain('Ce timbre a été remboursé');
    expect(stampProblem({ ...base, purchased_at: addMonths(now, -12) }, 1700, now)).toContain('acheté il y a plus de 12 mois');
    expect(stampProblem({ ...base, purchased_at: new Date(addMonths(now, -12).getTime() + 60_000) }, 1700, now)).toBeNull();
  });

  it('refunds an unused stamp within 18 months of purchase only', () => {
    const now = new Date('2026-06-15T10:00:00Z');
    expect(refundProblem({ status: 'available', purchased_at: addMonths(now, -17) }, now)).toBeNull();
    expect(refundProblem({ status: 'available', purchased_at: addMonths(now, -18) }, now)).toBe('Le remboursement n’est possible que dans les 18 mois suivant l’achat : ce délai est dépassé');
    expect(refundProblem({ status: 'used', purchased_at: now }, now)).toBe('Ce timbre a été utilisé : il ne peut pas être remboursé');
    expect(refundProblem({ status: 'refunded', purchased_at: now }, now)).toBe('Ce timbre a déjà été remboursé');
  });
});
