import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { preApplicationPdf } from '../domains/identity-docs/documents.ts';
import type { PreApplication } from '../domains/identity-docs/tables.ts';
import { licencePdf, type DocumentContent } from '../domains/licences/documents.ts';
import { cpiPdf, saleDocumentPdf, summaryPdf, type SaleDocumentContent } from '../domains/vehicles/procedures/documents.ts';
import { letterPdf } from '../platform/pdf/letter.ts';
import { loadConfig } from '../config.ts';
import { loadSealSigner, setDocumentSigner } from '../platform/seal/keys.ts';
import { renderPdfPages } from '../platform/seal/read-pdf.ts';

/**
 * `npm run documents:render`: each kind of document the portal issues, made by the same producers
 * as the procedures (with the data of the demo registry's AB-123-CD and the demo accounts), written
 * as PDF and PNG (pdf.js drawing on a skia canvas, 110 dpi) into docs/documents/.
 */
const OUT = path.resolve('docs/documents');
const URL = 'https://titres.example.gouv.fr';
const vehicle = { brand: 'RENAULT', typeVariant: 'RFB0A5 / M5 / K9K', commercialName: 'MEGANE', ceCategory: 'M1', nationalGenre: 'VP', bodyType: 'CI', grossWeightKg: 1_820, engineCc: 1_332, energy: 'ES', fiscalPower: 5, seats: 5, co2: 128 };
const sale: SaleDocumentContent = {
  fileNumber: 'V26-XKV76G2V', plate: 'AB-123-CD', vin: 'VF1RFB00X56789012', certificateNumber: '2019AB12345', certificateDate: '2019-03-14', firstRegistrationDate: '2019-03-14', category: 'M1',
  seller: { name: 'Camille MARTIN', address: ['12 RUE DE LA ROQUETTE', '75011 PARIS'] },
  buyer: { name: 'Julien LEROY', birthDate: '1985-02-03', address: ['2 place Bellecour', '69002 LYON'], professional: false },
  saleAt: '2026-11-21T09:00:00.000Z', mileage: 60_000, encumbrances: [{ kind: 'gage', registeredAt: '2019-03-14' }], issuedAt: '2026-12-01T09:00:00.000Z', vehicle,
};
const token = 'CRYoYahNWWCmzl2BLQgEyg';
const licence: DocumentContent = {
  fileNumber: 'P26-DEMO2345', reason: 'Perte du permis de conduire', person: { name: 'Camille MARTIN', birthDate: '1988-06-02', birthPlace: 'PARIS 11E ARRONDISSEMENT', address: ['12 RUE DE LA ROQUETTE', '75011 PARIS'] },
  categories: ['B'], neph: '120575123456', submittedAt: new Date('2026-11-28T10:12:00Z'), issuedAt: new Date('2026-12-01T09:00:00Z'), fee: '25,00 € (timbre électronique se terminant par 4821)', photo: 'classic',
  whileWaiting: ['Après une perte, vous ne pouvez pas conduire avant d’avoir reçu l’attestation de droits à conduire.'],
};
const preApplication = {
  id: 1, number: '2026ABCD1234', account_id: 1, document: 'identity_card', status: 'submitted', step: 'summary', fee_cents: 0, stamp_id: null, stamp_last4: null, idempotency_key: 'k',
  submitted_at: new Date('2026-11-25T10:00:00Z'), expires_at: new Date('2027-05-25T10:00:00Z'), town_hall_account_id: null, town_hall_name: null, taken_at: null, application_number: null,
  created_at: new Date('2026-11-25T09:40:00Z'), updated_at: new Date('2026-11-25T10:00:00Z'),
  data: { reason: 'first', forWhom: 'self', sex: 'F', birthName: 'Martin', givenNames: 'Camille', birthDate: '1988-06-02', birthPlace: 'Paris 11e', birthCountry: 'France', parent1Name: 'Martin', parent1GivenNames: 'Paul', line1: '12 rue de la Roquette', postcode: '75011', commune: 'Paris', heightCm: 168, eyes: 'brown' },
} as unknown as PreApplication;

const documents: [string, () => Promise<Buffer>][] = [
  ['certificat-de-cession', () => saleDocumentPdf('certificat_cession', sale, `${URL}/verification/${token}`)],
  ['certificat-de-situation-administrative', () => saleDocumentPdf('csa', sale, `${URL}/verification/${token}`)],
  ['certificat-provisoire-d-immatriculation', () => cpiPdf({ fileNumber: 'V26-HC4N8Q2D', plate: 'AB-123-CD', vin: sale.vin, category: 'M1', holder: 'Julien LEROY', address: ['2 PLACE BELLECOUR', '69002 LYON'], issuedAt: '2026-12-01T09:00:00.000Z', validUntil: '2026-12-31T09:00:00.000Z', vehicle, firstRegistrationDate: '2019-03-14', certificateNumber: '2026KX04217', coHolders: [] }, `${URL}/verification/${token}`)],
  ['recapitulatif-de-demande', () => summaryPdf({ fileNumber: 'V26-HC4N8Q2D', procedure: 'Changement de titulaire', plate: 'AB-123-CD', rows: [{ label: 'Ancien titulaire', value: 'Camille MARTIN' }, { label: 'Nouveau titulaire', value: 'Julien LEROY' }], taxes: [{ field: 'Y.1', label: 'Taxe régionale (5 CV × 46,15 €)', amountCents: 23_075 }, { field: 'Y.5', label: 'Redevance d’acheminement', amountCents: 276 }], issuedAt: '2026-12-01T09:00:00.000Z' }, `${URL}/verification/${token}`)],
  ['recepisse-permis', () => licencePdf('recepisse', licence, `${URL}/permis/verifier/P26-DEMO2345/signature`)],
  ['formulaire-photo-signature', () => licencePdf('fps', licence, `${URL}/permis/verifier/P26-DEMO2345/signature`)],
  ['attestation-de-droits-a-conduire', () => licencePdf('attestation', licence, `${URL}/permis/verifier/P26-DEMO2345/signature`)],
  ['recapitulatif-de-pre-demande', () => preApplicationPdf(preApplication, `${URL}/mairie/pre-demandes/2026ABCD1234`)],
  ['courrier', () => letterPdf({ recipient: ['MADAME CAMILLE MARTIN', '12 RUE DE LA ROQUETTE', '75011 PARIS'], subject: 'Votre certificat d’immatriculation AB-123-CD et son code confidentiel', body: 'Madame, Monsieur,\n\nVous trouverez ci-joint le certificat d’immatriculation du véhicule AB-123-CD.\n\nL’Agence nationale des titres sécurisés', date: new Date('2026-12-01T09:00:00Z') })],
];

// sealed with the portal's key (SEAL_PRIVATE_KEY, or the demo key of DATA_DIR): `npm run verify-document` checks them
const config = loadConfig();
setDocumentSigner(loadSealSigner(config.sealPrivateKey, config.dataDir));
mkdirSync(OUT, { recursive: true });
for (const [name, make] of documents) {
  const started = Date.now();
  const pdf = await make();
  writeFileSync(path.join(OUT, `${name}.pdf`), pdf);
  const pages = await renderPdfPages(pdf, 110 / 72);
  pages.forEach((png, i) => writeFileSync(path.join(OUT, `${name}${pages.length > 1 ? `-page-${i + 1}` : ''}.png`), png));
  console.log(`${name}: ${pages.length} page(s), ${pdf.length} octets, ${Date.now() - started} ms`);
}
