/**
 * CPU per document of a declaration of sale (issue 20): the certificate of sale and the CSA as issued
 * at confirmation (`prepareIssuedDocument`: seal signed once, PDF drawn), and the accusé, drawn from
 * a fixed content, in this process, after a warm-up:
 *
 *   npx tsx test/bench/sale-documents.ts [rounds, 40]
 *
 * Prints the CPU milliseconds (process.cpuUsage, which the machine's load does not inflate) per
 * document of each kind and their sizes, with the load average. Not part of npm test.
 */
import { loadavg } from 'node:os';
import { forgetDrawnDocuments, prepareIssuedDocument, renderIssuedDocument } from '../../src/domains/vehicles/procedures/issued-documents.ts';
import type { SaleDocumentContent } from '../../src/domains/vehicles/procedures/documents.ts';
import { saleReceiptPdf } from '../../src/domains/vehicles/sale/receipt.ts';

const rounds = Number(process.argv[2] ?? 40);
const URL = 'https://titres.example.fr';

const content = (i: number): SaleDocumentContent => ({
  fileNumber: `VC26${String(100000 + i).padStart(8, '0')}`,
  plate: `AB-${String(100 + (i % 900)).padStart(3, '0')}-CD`,
  vin: 'VF1RFB00X12345678',
  certificateNumber: '2021AB12345',
  certificateDate: '2021-03-15',
  firstRegistrationDate: '2019-06-01',
  category: 'M1',
  seller: { name: 'Camille MARTIN', address: ['12 rue de la Paix', '75002 PARIS'] },
  buyer: { name: 'Julien LEROY', birthDate: '1985-02-03', address: ['2 place Bellecour', '69002 LYON'], professional: false },
  saleAt: '2026-11-20T23:00:00.000Z',
  mileage: 60000 + i,
  encumbrances: [],
  issuedAt: new Date(Date.UTC(2026, 11, 1, 9, 0, i % 60)).toISOString(),
});

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function sale(i: number) {
  const c = content(i);
  const [certificate, csa] = await Promise.all((['certificat_cession', 'csa'] as const).map((kind) => prepareIssuedDocument(kind, c, { procedureId: i, plate: c.plate, publicUrl: URL })));
  const receipt = await saleReceiptPdf(certificate!.content, `${URL}/verification/${certificate!.row.token}`);
  return { certificate: certificate!, csa: csa!, receipt };
}

for (let i = 0; i < 5; i++) await sale(i); // warm-up: libraries, fonts, JIT
const per = { certificat_cession: 0, csa: 0, accuse: 0 };
const sizes = { certificat_cession: 0, csa: 0, accuse: 0 };
for (let i = 0; i < rounds; i++) {
  const c = content(1000 + i);
  let t = cpu();
  const certificate = await prepareIssuedDocument('certificat_cession', c, { procedureId: i, plate: c.plate, publicUrl: URL });
  per.certificat_cession += cpu() - t;
  t = cpu();
  const csa = await prepareIssuedDocument('csa', c, { procedureId: i, plate: c.plate, publicUrl: URL });
  per.csa += cpu() - t;
  t = cpu();
  const receipt = await saleReceiptPdf(certificate.content, `${URL}/verification/${certificate.row.token}`);
  per.accuse += cpu() - t;
  sizes.certificat_cession = certificate.pdf.length;
  sizes.csa = csa.pdf.length;
  sizes.accuse = receipt.length;
  // the same document drawn again from what is stored gives the same bytes (the seal signs it): drawn, not the copy kept
  forgetDrawnDocuments();
  const again = await renderIssuedDocument({ kind: 'certificat_cession', token: certificate.row.token, content: certificate.content }, URL);
  if (!again.equals(certificate.pdf)) throw new Error('a certificate drawn again differs');
}
const ms = (v: number) => (v / rounds).toFixed(1);
console.log(
  `CPU per document over ${rounds} sales: certificat de cession ${ms(per.certificat_cession)} ms (${sizes.certificat_cession} bytes) · CSA ${ms(per.csa)} ms (${sizes.csa} bytes) · accusé ${ms(per.accuse)} ms (${sizes.accuse} bytes) · the three ${ms(per.certificat_cession + per.csa + per.accuse)} ms; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
);
