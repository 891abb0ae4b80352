import type { PaymentProvider, ProviderStatus } from './port.ts';

/**
 * A PayFiP-style provider (the DGFiP's card-payment service for public bodies): a SOAP web service
 * creates the payment (creerPaiementSecurise → idOp), the user pays on PayFiP's page
 * (…/paiementws.web?idop=…), and the portal asks for the outcome (recupererDetailPaiementSecurise →
 * resultrans). PayFiP's notification only carries the idOp: its authenticity comes from asking the
 * web service, never from trusting the call. Field names follow the DGFiP's contract; the exact
 * namespace and result codes must be checked against the adherent's specification at go-live.
 */
export interface PayfipSettings {
  wsUrl: string;
  paymentUrl: string;
  numcli: string;
  /** T: test, X: activation, W: production */
  saisie: 'T' | 'X' | 'W';
  notifyUrl: string;
  returnUrl: string;
}

const NS = 'http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService';
const xml = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
const envelope = (operation: string, fields: Record<string, string>) =>
  `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:pai="${NS}"><soapenv:Body><pai:${operation}><arg0>${Object.entries(fields)
    .map(([k, v]) => `<${k}>${xml(v)}</${k}>`)
    .join('')}</arg0></pai:${operation}></soapenv:Body></soapenv:Envelope>`;
const field = (body: string, name: string) => new RegExp(`<(?:\\w+:)?${name}>([^<]*)</(?:\\w+:)?${name}>`).exec(body)?.[1] ?? null;

/** PayFiP's resultrans → the port's status: P/V paid, A abandoned, R/Z refused; nothing yet: pending. */
export function payfipStatus(resultrans: string | null): ProviderStatus {
  switch (resultrans) {
    case 'P':
    case 'V':
      return 'paid';
    case 'A':
      return 'cancelled';
    case 'R':
    case 'Z':
      return 'declined';
    case null:
    case '':
      return 'pending';
    default:
      return 'error';
  }
}

export function createPayfipProvider(s: PayfipSettings, fetchImpl: typeof fetch = fetch): PaymentProvider {
  async function call(operation: string, fields: Record<string, string>): Promise<string> {
    const res = await fetchImpl(s.wsUrl, { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: '' }, body: envelope(operation, fields), signal: AbortSignal.timeout(10_000) });
    const body = await res.text();
    if (!res.ok || /<(?:\w+:)?Fault>/.test(body)) throw new Error(`PayFiP ${operation} : HTTP ${res.status} ${field(body, 'faultstring') ?? field(body, 'descriptif') ?? ''}`.trim());
    return body;
  }
  return {
    name: 'payfip',
    async start(req) {
      const body = await call('creerPaiementSecurise', {
        exer: String(new Date().getFullYear()),
        mel: req.payerEmail ?? '',
        montant: String(req.amountCents),
        numcli: s.numcli,
        objet: req.description.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^A-Za-z0-9 ]/g, ' ').slice(0, 100),
        refdet: req.reference,
        saisie: s.saisie,
        urlnotif: s.notifyUrl,
        urlredirect: s.returnUrl,
      });
      const idOp = field(body, 'idOp');
      if (!idOp) throw new Error('PayFiP creerPaiementSecurise : pas d’idOp dans la réponse');
      return { transactionId: idOp, redirectUrl: this.redirectUrl(idOp) };
    },
    redirectUrl: (idOp) => `${s.paymentUrl}?idop=${encodeURIComponent(idOp)}`,
    async status(idOp) {
      return payfipStatus(field(await call('recupererDetailPaiementSecurise', { idOp }), 'resultrans'));
    },
  };
}
