import { describe, expect, it } from 'vitest';
import { preApplicationPdf } from '../../src/domains/identity-docs/documents.ts';
import { ageOn, canMove, feeFor, groupNumber, newPreApplicationNumber, parseBirthDate, parsePreApplicationNumber } from '../../src/domains/identity-docs/model.ts';
import type { PreApplication } from '../../src/domains/identity-docs/tables.ts';
import { pdfText } from '../helpers/pdf.ts';
import { decodeQrFromPdf } from '../integration/pre-application-qr.ts';

describe('pre-application rules', () => {
  it('charges the ID card only after loss or theft, the passport by age, halved in Guyane', () => {
    expect(feeFor('identity_card', 'first', 30, false).cents).toBe(0);
    expect(feeFor('identity_card', 'renewal', 30, false).cents).toBe(0);
    expect(feeFor('identity_card', 'loss', 30, false)).toEqual({ cents: 2500, why: 'Carte d’identité après une perte' });
    expect(feeFor('identity_card', 'theft', 8, true)).toEqual({ cents: 1250, why: 'Carte d’identité après un vol (tarif Guyane)' });
    expect(feeFor('passport', 'first', 18, false).cents).toBe(8600);
    expect(feeFor('passport', 'renewal', 17, false).cents).toBe(4200);
    expect(feeFor('passport', 'first', 15, false).cents).toBe(4200);
    expect(feeFor('passport', 'first', 14, false).cents).toBe(1700);
    expect(feeFor('passport', 'loss', 40, true)).toEqual({ cents: 4300, why: 'Passeport d’une personne majeure (tarif Guyane)' });
  });

  it('counts the age in whole years, birthday included', () => {
    expect(ageOn('2011-06-15', '2026-06-14')).toBe(14);
    expect(ageOn('2011-06-15', '2026-06-15')).toBe(15);
    expect(ageOn('2008-02-29', '2026-02-28')).toBe(17);
  });

  it('reads a birth date typed JJ/MM/AAAA or ISO, real and in the past', () => {
    expect(parseBirthDate('27/03/2007', '2026-11-25')).toEqual({ ok: true, date: '2007-03-27' });
    expect(parseBirthDate('2007-03-27', '2026-11-25')).toEqual({ ok: true, date: '2007-03-27' });
    expect(parseBirthDate('31/02/2007', '2026-11-25')).toEqual({ ok: false, error: 'La date de naissance doit être une date réelle, par exemple 27/03/2007' });
    expect(parseBirthDate('01/01/2030', '2026-11-25')).toEqual({ ok: false, error: 'La date de naissance doit être dans le passé' });
    expect(parseBirthDate('', '2026-11-25')).toEqual({ ok: false, error: 'Saisissez la date de naissance' });
  });

  it('draws numbers that parse back, and catches a typo or a malformed number', () => {
    for (let i = 0; i < 50; i++) {
      const n = newPreApplicationNumber();
      expect(parsePreApplicationNumber(groupNumber(n).toLowerCase())).toEqual({ ok: true, number: n });
    }
    const n = newPreApplicationNumber();
    const typo = `${n[0] === 'A' ? 'B' : 'A'}${n.slice(1)}`;
    expect(parsePreApplicationNumber(typo)).toMatchObject({ ok: false, error: expect.stringContaining('Le numéro de pré-demande est mal saisi') });
    expect(parsePreApplicationNumber('12345')).toMatchObject({ ok: false });
    expect(parsePreApplicationNumber('')).toEqual({ ok: false, error: 'Saisissez le numéro de pré-demande' });
  });

  it('allows only the user to submit and only a town hall to take', () => {
    expect(canMove('draft', 'submitted', 'user')).toBe(true);
    expect(canMove('draft', 'submitted', 'town_hall')).toBe(false);
    expect(canMove('submitted', 'taken', 'town_hall')).toBe(true);
    expect(canMove('draft', 'taken', 'town_hall')).toBe(false);
    expect(canMove('taken', 'submitted', 'user')).toBe(false);
  });

  it('prints a summary whose QR code (an embedded image) decodes to the town hall’s retrieval URL', async () => {
    const number = newPreApplicationNumber();
    const p = {
      id: 1,
      number,
      account_id: 1,
      document: 'passport',
      status: 'submitted',
      data: { forWhom: 'self', reason: 'first', sex: 'F', birthName: 'Martin', givenNames: 'Camille', birthDate: '1990-05-04', birthPlace: 'Lyon', birthCountry: 'France', parent1Name: 'Martin', parent1GivenNames: 'Paul', line1: '1 rue A', postcode: '75011', commune: 'Paris', heightCm: 170, eyes: 'verts' },
      step: 'summary',
      fee_cents: 8600,
      stamp_id: 1,
      stamp_last4: '1234',
      idempotency_key: 'x',
      submitted_at: new Date('2026-11-25T10:00:00Z'),
      expires_at: new Date('2027-05-25T10:00:00Z'),
      town_hall_account_id: null,
      town_hall_name: null,
      taken_at: null,
      application_number: null,
      created_at: new Date(),
      updated_at: new Date(),
    } satisfies PreApplication;
    const url = `http://localhost:3000/mairie/pre-demandes/${number}`;
    const pdf = await preApplicationPdf(p, url);
    expect(decodeQrFromPdf(pdf)).toBe(url);
    const text = pdfText(pdf);
    expect(text).toContain('Récapitulatif de pré-demande');
    expect(text).toContain(groupNumber(number));
    expect(text).toMatch(/valable jusqu.?au 25 mai 2027/);
    expect(text).toContain('MARTIN');
    expect(text).toContain('86,00');
  });
});
