import { describe, expect, it } from 'vitest';
import { createPayfipProvider, payfipStatus } from '../../src/platform/payment/payfip-provider.ts';

const SETTINGS = {
  wsUrl: 'https://payfip.test/tpa/services/securite',
  paymentUrl: 'https://payfip.test/tpa/paiementws.web',
  numcli: '012345',
  saisie: 'T' as const,
  notifyUrl: 'https://titres.example/paiement/notification/payfip',
  returnUrl: 'https://titres.example/paiement/retour',
};

/** A stand-in for PayFiP's web service: records the SOAP calls, answers as the service would. */
function fakeWebService(answer: (operation: string) => { status?: number; body: string }) {
  const calls: { url: string; body: string }[] = [];
  const fetchImpl = (async (url: string, init: RequestInit) => {
    const body = String(init.body);
    calls.push({ url, body });
    const operation = /<pai:(\w+)>/.exec(body)![1]!;
    const r = answer(operation);
    return new Response(r.body, { status: r.status ?? 200 });
  }) as typeof fetch;
  return { calls, fetchImpl };
}
const soap = (inner: string) => `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:response xmlns:ns2="x"><return>${inner}</return></ns2:response></soap:Body></soap:Envelope>`;

describe('PayFiP-style payment provider', () => {
  it('creates the payment with the adherent number, the amount in cents and our reference, then sends the user to PayFiP’s page', async () => {
    const ws = fakeWebService(() => ({ body: soap('<idOp>a1b2c3d4-0001</idOp>') }));
    const provider = createPayfipProvider(SETTINGS, ws.fetchImpl);
    const started = await provider.start({ reference: '0f1e2d3c4b5a69788796a5b4', amountCents: 1376, description: 'Duplicata V26-ABCDEFGH <&>', payerEmail: 'camille@example.fr' });
    expect(started).toEqual({ transactionId: 'a1b2c3d4-0001', redirectUrl: 'https://payfip.test/tpa/paiementws.web?idop=a1b2c3d4-0001' });
    const body = ws.calls[0]!.body;
    expect(ws.calls[0]!.url).toBe(SETTINGS.wsUrl);
    for (const part of ['<pai:creerPaiementSecurise>', '<montant>1376</montant>', '<numcli>012345</numcli>', '<refdet>0f1e2d3c4b5a69788796a5b4</refdet>', '<saisie>T</saisie>', '<mel>camille@example.fr</mel>', `<urlnotif>${SETTINGS.notifyUrl}</urlnotif>`, `<urlredirect>${SETTINGS.returnUrl}</urlredirect>`])
      expect(body).toContain(part);
    expect(body).toContain('<objet>Duplicata V26 ABCDEFGH    </objet>'); // no markup, no accents
  });

  it('asks for the outcome and maps PayFiP’s result codes', async () => {
    for (const [code, status] of [['P', 'paid'], ['V', 'paid'], ['A', 'cancelled'], ['R', 'declined'], ['Z', 'declined'], ['', 'pending'], ['Q', 'error']] as const) {
      const ws = fakeWebService(() => ({ body: soap(`<idOp>x</idOp><resultrans>${code}</resultrans>`) }));
      expect(await createPayfipProvider(SETTINGS, ws.fetchImpl).status('x')).toBe(status);
      expect(ws.calls[0]!.body).toContain('<pai:recupererDetailPaiementSecurise><arg0><idOp>x</idOp></arg0>');
    }
    expect(payfipStatus(null)).toBe('pending');
  });

  it('turns a SOAP fault or an HTTP error into an error the payment service reports to the user', async () => {
    const fault = fakeWebService(() => ({ status: 500, body: '<soap:Envelope><soap:Body><soap:Fault><faultstring>numcli inconnu</faultstring></soap:Fault></soap:Body></soap:Envelope>' }));
    await expect(createPayfipProvider(SETTINGS, fault.fetchImpl).start({ reference: 'r', amountCents: 100, description: 'd' })).rejects.toThrow('numcli inconnu');
    const empty = fakeWebService(() => ({ body: soap('') }));
    await expect(createPayfipProvider(SETTINGS, empty.fetchImpl).start({ reference: 'r', amountCents: 100, description: 'd' })).rejects.toThrow('pas d’idOp');
  });
});
