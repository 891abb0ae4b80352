import { describe, expect, it } from 'vitest';
import { verifySeal } from '../../src/domains/document-verification/service.ts';
import { trustedKeyFromCertificate } from '../../src/platform/seal/keys.ts';
import { readDataMatrixCodes } from '../../src/platform/seal/read-pdf.ts';
import { type TestApp, TestClient, useSeededApp } from '../helpers/app.ts';
import { pdfFonts, qpdfCheck } from '../helpers/pdf-tools.ts';
import { runDemoFlows } from '../documents/demo-documents.ts';

/**
 * Every kind of document the portal issues, as the demo flows produce it (the same run as
 * `npm run documents:render`), checked with the tools an archivist uses: `qpdf --check` and
 * `pdffonts`; and each 2D-Doc, read from the rendered page, verified with the published X.509
 * certificate and against the registry.
 */
describe('issued documents from the demo flows pass qpdf and pdffonts, and their 2D-Doc verifies', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  it('produces each kind of document; each passes `qpdf --check`, embeds every font, and carries a 2D-Doc that verifies', { timeout: 1_200_000 }, async () => {
    const documents = await runDemoFlows(t);
    expect(documents.map((d) => d.name).sort()).toEqual([
      'accuse-enregistrement-cession',
      'attestation-de-droits-a-conduire',
      'certificat-de-cession',
      'certificat-de-situation-administrative',
      'certificat-provisoire-d-immatriculation',
      'courrier',
      'formulaire-photo-signature',
      'recapitulatif-changement-de-titulaire',
      'recapitulatif-de-demande',
      'recapitulatif-de-pre-demande',
      'recepisse-permis',
    ]);
    const visitor = new TestClient(t.app);
    const verification = await visitor.get('/verification/2d-doc');
    const certificateUrl = /href="https?:\/\/[^/"]+(\/2d-doc\/certificats\/[^"]+)"/.exec(verification.body)![1]!;
    const trusted = [trustedKeyFromCertificate((await visitor.get(certificateUrl)).body)];
    for (const d of documents) {
      const check = qpdfCheck(d.pdf);
      expect(check.status, `${d.name}: qpdf --check\n${check.output}`).toBe(0);
      expect(check.output).toContain('No syntax or stream encoding errors found');
      const fonts = pdfFonts(d.pdf);
      expect(fonts.length, `${d.name}: fonts`).toBeGreaterThan(0);
      expect(fonts.filter((f) => !f.embedded).map((f) => f.name), `${d.name}: fonts not embedded`).toEqual([]);
      if (!d.sealed) continue;
      const codes = await readDataMatrixCodes(d.pdf, 1); // the seal is at the top of page 1
      expect(codes.length, `${d.name}: 2D-Doc read from the page`).toBe(1);
      const verdict = await verifySeal(t.database.db, codes[0]!, trusted);
      expect(verdict, d.name).toMatchObject({ status: 'signature_valid', registry: { found: true, matches: true } });
    }
  });
});
