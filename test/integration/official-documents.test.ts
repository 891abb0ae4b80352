import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkRegistry, checkSignature, verifySeal } from '../../src/domains/document-verification/service.ts';
import { messageForForm } from '../../src/domains/document-verification/routes.tsx';
import { tokenFromSeal } from '../../src/domains/vehicles/procedures/documents.ts';
import { renderIssuedDocument } from '../../src/domains/vehicles/procedures/issued-documents.ts';
import { letterPdf } from '../../src/platform/pdf/letter.ts';
import { documentSigner, trustedKeyOf } from '../../src/platform/seal/keys.ts';
import { readDataMatrixCodes } from '../../src/platform/seal/read-pdf.ts';
import { certificateIdOf, createSeal, GS, parseSeal, US } from '../../src/platform/seal/two-d-doc.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { pdfObjects, pdfText } from '../helpers/pdf.ts';
import { sellCamillesCar } from '../helpers/sales.ts';
import { signInUser } from '../helpers/users.ts';

/** What pdf.js (an independent reader) extracts, page after page, in content order. */
async function pdfjsText(pdf: Buffer): Promise<{ text: string; lang: string | null; title: string | null; structure: string[] }> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(pdf), verbosity: 0, isEvalSupported: false }).promise;
  const parts: string[] = [];
  const structure: string[] = [];
  const walk = (node: { role?: string; alt?: string; children?: unknown[] } | null) => {
    if (!node) return;
    if (node.role) structure.push(node.alt ? `${node.role}[${node.alt}]` : node.role);
    for (const c of node.children ?? []) walk(c as never);
  };
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    parts.push(content.items.map((it) => ('str' in it ? it.str : '')).join(' '));
    walk((await page.getStructTree()) as never);
  }
  const meta = await doc.getMetadata();
  const info = meta.info as { Title?: string; Language?: string };
  await doc.destroy();
  return { text: parts.join(' ').replace(/\s+/g, ' '), lang: info.Language ?? null, title: info.Title ?? null, structure };
}

/** Every font of the file is embedded (what `pdffonts` reports as "emb yes"; poppler-utils is not installed here). */
function fontsAllEmbedded(pdf: Buffer): { fonts: number; embedded: number } {
  const objects = pdfObjects(pdf);
  let fonts = 0;
  let embedded = 0;
  for (const [, o] of objects) {
    if (!/\/Type \/FontDescriptor/.test(o.dict)) continue;
    fonts++;
    if (/\/FontFile[23]? \d+ 0 R/.test(o.dict)) embedded++;
  }
  const standard = [...objects.values()].filter((o) => /\/Type \/Font\b/.test(o.dict) && /\/Subtype \/Type1/.test(o.dict) && !/\/FontDescriptor/.test(o.dict)).length;
  return { fonts: fonts + standard, embedded };
}

function pdfaDeclared(pdf: Buffer): boolean {
  const objects = [...pdfObjects(pdf).values()];
  const xmp = objects.find((o) => /\/Type \/Metadata/.test(o.dict))?.stream?.toString('utf8') ?? '';
  const intent = objects.some((o) => /\/S \/GTS_PDFA1/.test(o.dict));
  return /<pdfaid:part>2<\/pdfaid:part>/.test(xmp) && /<pdfaid:conformance>B<\/pdfaid:conformance>/.test(xmp) && intent;
}

describe('official documents: layout, PDF/A, tags and 2D-Doc', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  async function soldCar() {
    const seller = await signInUser(t.app, 'demo.particulier@example.fr');
    await sellCamillesCar(seller);
    const docs = await t.database.db.selectFrom('issued_documents').selectAll().where('plate', '=', 'AB-123-CD').orderBy('kind').execute();
    const cession = docs.find((d) => d.kind === 'certificat_cession')!;
    const pdf = await renderIssuedDocument(cession, t.app.config.publicUrl);
    return { seller, docs, cession, pdf };
  }

  it('lays out the certificat de cession as cerfa 15776: Marianne block, cerfa box, coded boxes, both signature boxes, file number and page on every page, in reading order', async () => {
    const { pdf, cession } = await soldCar();
    const { text, lang, title, structure } = await pdfjsText(pdf);
    const fileNumber = (cession.content as { fileNumber: string }).fileNumber;
    const order = [
      'RÉPUBLIQUE FRANÇAISE',
      'Liberté Égalité Fraternité',
      'Agence nationale des titres sécurisés',
      'cerfa',
      'N° 15776*02',
      'Certificat de cession d’un véhicule d’occasion',
      'Le véhicule',
      '(A) Numéro d’immatriculation AB-123-CD',
      '(D.1) Marque',
      'L’ancien propriétaire (vendeur)',
      'Camille MARTIN',
      'Le nouveau propriétaire (acquéreur)',
      'Julien LEROY',
      'Date et heure de la cession 21/11/2026 10:00',
      'Signature de l’ancien propriétaire',
      'Signature du nouveau propriétaire',
      'Exemplaire n° 2 destiné au nouveau propriétaire.',
    ];
    let at = -1;
    for (const words of order) {
      const next = text.indexOf(words, at + 1);
      expect(next, `« ${words} » after position ${at} in: ${text}`).toBeGreaterThan(at);
      at = next;
    }
    // the file number, the issue date and "Page n sur N" on every page
    const pages = Number(/Page 1 sur (\d+)/.exec(text)![1]);
    expect(text.split(`Dossier n° ${fileNumber} — délivré le 01/12/2026`).length - 1).toBe(pages);
    for (let n = 1; n <= pages; n++) expect(text).toContain(`Page ${n} sur ${pages}`);
    expect(text).toContain('60 000 km'); // the no-break space, not "60 /000"
    expect(pdfText(pdf)).toContain('60 000 km'); // the test helper reads the same words
    expect(lang).toBe('fr-FR');
    expect(title).toBe('Certificat de cession d’un véhicule d’occasion (cerfa n° 15776*02)');
    expect(structure).toEqual(expect.arrayContaining(['H1', 'H2', 'Table', 'TR', 'TH', 'TD', 'P']));
    expect(structure.filter((s) => s.startsWith('Figure[')).map((s) => s.slice(0, 20))).toEqual(['Figure[Code 2D-Doc :', 'Figure[QR code menan']);
  });

  it('is PDF/A-2b with every font embedded, and so are the other documents and the letters', async () => {
    const { docs } = await soldCar();
    const letter = await letterPdf({ recipient: ['MME CAMILLE MARTIN', '12 RUE DE LA ROQUETTE', '75011 PARIS'], subject: 'Votre certificat', body: 'Madame,\n\nUn montant de 1 234,50 € vous est dû.', date: new Date() });
    const pdfs = [...(await Promise.all(docs.map((d) => renderIssuedDocument(d, t.app.config.publicUrl)))), letter];
    expect(pdfs.length).toBeGreaterThanOrEqual(3);
    for (const pdf of pdfs) {
      const fonts = fontsAllEmbedded(pdf);
      expect(fonts.fonts).toBeGreaterThan(0);
      expect(fonts.embedded).toBe(fonts.fonts);
      expect(pdfaDeclared(pdf)).toBe(true);
      expect((await pdfjsText(pdf)).structure.length).toBeGreaterThan(5);
    }
    expect(pdfText(letter)).toContain('1 234,50 €');
  });

  it('prints a 2D-Doc that a DataMatrix reader decodes, signed by the portal and matching the registry', async () => {
    const { pdf, cession } = await soldCar();
    const [message] = await readDataMatrixCodes(pdf);
    expect(message).toMatch(/^DC04FR00/);
    const seal = parseSeal(message!);
    expect(seal.header.documentType).toBe('P1');
    expect(tokenFromSeal(seal.fields.F1!)).toBe(cession.token);
    expect(seal.fields).toMatchObject({ F2: 'AB-123-CD', F4: 'CAMILLE MARTIN', F9: 'JULIEN LEROY', F7: '211120261000', F8: '60000' });
    const verdict = await verifySeal(t.database.db, message!, [trustedKeyOf(documentSigner())]);
    expect(verdict).toMatchObject({ status: 'signature_valid', registry: { found: true, matches: true } });
  });

  it('fails a 2D-Doc whose data were altered, one signed with another key, and one whose signed data differ from the registry', async () => {
    const { pdf, cession } = await soldCar();
    const [message] = await readDataMatrixCodes(pdf);
    const trusted = [trustedKeyOf(documentSigner())];
    // altered: the mileage rewritten, the signature kept
    const altered = message!.replace(`F8${'60000'}`, 'F820000');
    expect(altered).not.toBe(message);
    expect(checkSignature(altered, trusted).status).toBe('bad_signature');
    // signed with another key: unknown signer, and rejected even when it claims the portal's certificate id
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = { caId: 'FR00', certificateId: certificateIdOf(createPublicKey(privateKey)), privateKey };
    const fields = parseSeal(message!).fields;
    expect(checkSignature(createSeal(other, 'P1', fields, new Date()), trusted).status).toBe('unknown_key');
    expect(checkSignature(createSeal({ ...other, certificateId: documentSigner().certificateId }, 'P1', fields, new Date()), trusted).status).toBe('bad_signature');
    // signed by the portal but not what the registry holds (a genuine key misused, or a stale copy)
    const wrongData = createSeal(documentSigner(), 'P1', { ...fields, F9: 'MALLORY DUPONT' }, new Date());
    expect(await checkRegistry(t.database.db, parseSeal(wrongData))).toEqual({ found: true, matches: false, differences: ['F9'] });
    // a token the registry does not know
    const unknown = createSeal(documentSigner(), 'P1', { ...fields, F1: 'A'.repeat(26) }, new Date());
    expect(await checkRegistry(t.database.db, parseSeal(unknown))).toEqual({ found: false });
    expect(cession.token).not.toBe(tokenFromSeal('A'.repeat(26)));
  });

  it('the public page checks a 2D-Doc pasted as a reader shows it, and names what is wrong', async () => {
    const { pdf } = await soldCar();
    const [message] = await readDataMatrixCodes(pdf);
    const visitor = new TestClient(t.app);
    await visitor.get('/verification/2d-doc');
    const ok = await visitor.post('/verification/2d-doc', { message: messageForForm(message!) });
    expect(ok.statusCode).toBe(200);
    expect(textOf(ok.body)).toContain('Document authentique');
    expect(textOf(ok.body)).toContain('JULIEN LEROY');
    const forged = await visitor.post('/verification/2d-doc', { message: messageForForm(message!.replace('F4CAMILLE MARTIN', 'F4CAMILLE MARTINE')) });
    expect(textOf(forged.body)).toContain('Signature invalide');
    expect(textOf(forged.body)).not.toContain('Document authentique');
    const empty = await visitor.post('/verification/2d-doc', { message: '' });
    expect(empty.statusCode).toBe(400);
    expect(textOf(empty.body)).toContain('Collez le texte du 2D-Doc');
    const cert = await visitor.get(`/2d-doc/certificats/FR00${documentSigner().certificateId}.pem`);
    expect(cert.body).toContain('-----BEGIN CERTIFICATE-----'); // an X.509 certificate, no longer a bare public key
    expect(message).toContain(GS);
    expect(message).toContain(US);
  });
});
