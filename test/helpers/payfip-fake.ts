import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for PayFiP on its own loopback port (so on another origin than the portal): the SOAP
 * web service (creerPaiementSecurise → idOp, recupererDetailPaiementSecurise → resultrans) and the
 * hosted card page (…/tpa/paiementws.web?idop=…) that, once paid, notifies the portal server to
 * server (idOp only) and links back to the portal's return URL.
 */
export interface FakePayfip {
  origin: string;
  wsUrl: string;
  paymentUrl: string;
  /** idOp → resultrans: '' while nobody paid, 'P' paid, 'R' refused */
  results: Map<string, string>;
  /** every creerPaiementSecurise received, in order */
  created: { idOp: string; refdet: string; montant: string; urlnotif: string; urlredirect: string }[];
  /** notifications the hosted page sent to the portal, with the HTTP status it answered */
  notified: { idOp: string; status: number }[];
  /** forgets every operation (between tests): idOps start again at op-0001 */
  reset(): void;
  close(): Promise<void>;
}

const field = (body: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1] ?? '';
const soap = (inner: string) =>
  `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:response xmlns:ns2="x"><return>${inner}</return></ns2:response></soap:Body></soap:Envelope>`;
const read = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export async function startFakePayfip(): Promise<FakePayfip> {
  const results = new Map<string, string>();
  const created: FakePayfip['created'] = [];
  const notified: FakePayfip['notified'] = [];
  let next = 1;
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await read(req);
    if (req.method === 'POST' && url.pathname === '/tpa/services/securite') {
      const operation = /<pai:(\w+)>/.exec(body)?.[1];
      res.setHeader('content-type', 'text/xml; charset=utf-8');
      if (operation === 'creerPaiementSecurise') {
        const idOp = `op-${String(next++).padStart(4, '0')}`;
        created.push({ idOp, refdet: field(body, 'refdet'), montant: field(body, 'montant'), urlnotif: field(body, 'urlnotif'), urlredirect: field(body, 'urlredirect') });
        results.set(idOp, '');
        return res.end(soap(`<idOp>${idOp}</idOp>`));
      }
      if (operation === 'recupererDetailPaiementSecurise') {
        const idOp = field(body, 'idOp');
        if (!results.has(idOp)) return res.writeHead(500).end(soap('<soap:Fault><faultstring>idOp inconnu</faultstring></soap:Fault>'));
        return res.end(soap(`<idOp>${idOp}</idOp><resultrans>${results.get(idOp)}</resultrans>`));
      }
      return res.writeHead(500).end(soap('<soap:Fault><faultstring>opération inconnue</faultstring></soap:Fault>'));
    }
    if (url.pathname === '/tpa/paiementws.web') {
      const idOp = url.searchParams.get('idop') ?? '';
      const op = created.find((c) => c.idOp === idOp);
      res.setHeader('content-type', 'text/html; charset=utf-8');
      if (!op) return res.writeHead(404).end('<!doctype html><html lang="fr"><title>Inconnu</title><p>Opération inconnue</p></html>');
      if (req.method === 'POST' && results.get(idOp) === '') {
        const card = new URLSearchParams(body).get('carte')?.replace(/\s/g, '') ?? '';
        results.set(idOp, card === '4242424242424242' ? 'P' : 'R');
        // server to server, as PayFiP does: the idOp only, posted as a form
        const r = await fetch(op.urlnotif, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `idOp=${encodeURIComponent(idOp)}` });
        notified.push({ idOp, status: r.status });
      }
      const state = results.get(idOp);
      if (state !== '')
        return res.end(
          `<!doctype html><html lang="fr"><title>PayFiP</title><main><h1>${state === 'P' ? 'Paiement accepté' : 'Paiement refusé'}</h1><a href="${op.urlredirect}">Retourner sur le site</a></main></html>`,
        );
      return res.end(
        `<!doctype html><html lang="fr"><title>PayFiP</title><main><h1>Paiement PayFiP</h1><p>Montant : ${op.montant} centimes</p>` +
          `<form method="post" action="/tpa/paiementws.web?idop=${encodeURIComponent(idOp)}"><label for="carte">Numéro de carte</label><input id="carte" name="carte"><button type="submit">Payer</button></form></main></html>`,
      );
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    wsUrl: `${origin}/tpa/services/securite`,
    paymentUrl: `${origin}/tpa/paiementws.web`,
    results,
    created,
    notified,
    reset() {
      results.clear();
      created.length = 0;
      notified.length = 0;
      next = 1;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
