import { describe, expect, it } from 'vitest';
import { isPaymentReturn } from '../../src/platform/http/admission.ts';

describe('a payment’s way back, always served by the waiting room (issue 20, F1)', () => {
  it('is the return page, the simulated provider’s page of a well-formed attempt id, and the provider’s notifications', () => {
    expect(isPaymentReturn('GET', '/paiement/retour')).toBe(true);
    expect(isPaymentReturn('GET', '/paiement/retour?idop=42')).toBe(true);
    expect(isPaymentReturn('GET', '/paiement-simule/Ab3_-xYz09AbCdEf')).toBe(true);
    expect(isPaymentReturn('POST', '/paiement-simule/Ab3_-xYz09AbCdEf')).toBe(true);
    expect(isPaymentReturn('POST', '/paiement/notification')).toBe(true);
    expect(isPaymentReturn('POST', '/paiement/notification/payfip')).toBe(true);
  });

  it('is nothing else under /paiement…', () => {
    for (const url of ['/paiement-simule/nope', '/paiement-simule/Ab3_-xYz09AbCdEf0', '/paiement-simule/Ab3_-xYz09AbCd.f', '/paiement-simule/Ab3_-xYz09AbCdEf/autre', '/paiement', '/paiement/', '/paiement/retour/x', '/paiementretour', '/paiement/notification/autre'])
      expect([url, isPaymentReturn('GET', url) || isPaymentReturn('POST', url)]).toEqual([url, false]);
    expect(isPaymentReturn('POST', '/paiement/retour')).toBe(false);
    expect(isPaymentReturn('GET', '/paiement/notification')).toBe(false);
    expect(isPaymentReturn('DELETE', '/paiement-simule/Ab3_-xYz09AbCdEf')).toBe(false);
  });
});
