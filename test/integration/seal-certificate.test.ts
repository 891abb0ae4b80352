import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { messageForForm } from '../../src/domains/document-verification/routes.tsx';
import { checkSignature } from '../../src/domains/document-verification/service.ts';
import { documentSigner, loadSealIdentity, trustedKeyFromCertificate } from '../../src/platform/seal/keys.ts';
import { createSeal } from '../../src/platform/seal/two-d-doc.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';

const FIELDS = { F0: 'P26-DEMO2345', F4: 'CAMILLE MARTIN', F5: '01122026' };
const pems = (text: string) => text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];

describe('the seal’s X.509 certificate', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'seal-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  async function published(): Promise<string> {
    const visitor = new TestClient(t.app);
    const page = await visitor.get('/verification/2d-doc');
    const url = /href="https?:\/\/[^/"]+(\/2d-doc\/certificats\/FR00[A-Z2-7]{4}\.pem)"/.exec(page.body)![1]!;
    const res = await visitor.get(url);
    expect(res.statusCode).toBe(200);
    return res.body;
  }

  it('is published at the documented URL: the seal key’s certificate, issued by the authority that follows it', async () => {
    const [seal, authority] = pems(await published()).map((p) => new X509Certificate(p));
    expect(seal!.publicKey.equals(createPublicKey(documentSigner().privateKey))).toBe(true);
    expect(seal!.subject).toContain('CN=Cachet 2D-Doc du portail des titres sécurisés');
    expect(seal!.checkIssued(authority!)).toBe(true);
    expect(seal!.verify(authority!.publicKey)).toBe(true);
    expect(seal!.ca).toBe(false);
    expect(authority!.ca).toBe(true);
    expect(trustedKeyFromCertificate(seal!.toString()).certificateId).toBe(documentSigner().certificateId);
    // another id is not a certificate of the portal
    expect((await new TestClient(t.app).get('/2d-doc/certificats/FR00AAAA.pem')).statusCode).toBe(404);
  });

  it('a seal signed by a key whose certificate is not the published one fails, even issued by the same authority', async () => {
    const trusted = [trustedKeyFromCertificate(await published())];
    const genuine = createSeal(documentSigner(), 'P7', FIELDS, new Date());
    expect(checkSignature(genuine, trusted).status).toBe('signature_valid');
    // another key, certified by the portal's own demo authority (copied data folder): not the published certificate
    const dir = freshDir();
    const other = await loadSealIdentity({ sealPrivateKey: null, sealCertificate: null, dataDir: dir });
    expect(other.signer.certificateId).not.toBe(documentSigner().certificateId);
    expect(checkSignature(createSeal(other.signer, 'P7', FIELDS, new Date()), trusted).status).toBe('unknown_key');
    // the same key claiming the published certificate's id: the certificate's key refuses its signature
    const forged = createSeal({ ...other.signer, certificateId: documentSigner().certificateId }, 'P7', FIELDS, new Date());
    expect(checkSignature(forged, trusted).status).toBe('bad_signature');
    const visitor = new TestClient(t.app);
    await visitor.get('/verification/2d-doc');
    const refused = textOf((await visitor.post('/verification/2d-doc', { message: messageForForm(forged) })).body);
    expect(refused).toContain('Signature invalide');
    expect(refused).not.toContain('Signature valide');
    // and the genuine seal checked against the other certificate does not verify either
    expect(checkSignature(genuine, [trustedKeyFromCertificate(other.certificate)]).status).toBe('unknown_key');
  });

  it('publishes SEAL_CERTIFICATE as configured, and refuses one that does not certify SEAL_PRIVATE_KEY', async () => {
    const dir = freshDir();
    const issued = await loadSealIdentity({ sealPrivateKey: null, sealCertificate: null, dataDir: dir });
    const key = readFileSync(path.join(dir, 'seal-key.pem'), 'utf8');
    const configured = await loadSealIdentity({ sealPrivateKey: key, sealCertificate: issued.certificate.replace(/\n/g, '\\n'), dataDir: freshDir() });
    expect(configured.certificate).toBe(issued.certificate);
    const otherKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await expect(loadSealIdentity({ sealPrivateKey: otherKey, sealCertificate: issued.certificate, dataDir: freshDir() })).rejects.toThrow('SEAL_CERTIFICATE : ce certificat ne porte pas la clé publique de SEAL_PRIVATE_KEY');
    // the demo data folder keeps its certificate from one start to the next
    expect((await loadSealIdentity({ sealPrivateKey: null, sealCertificate: null, dataDir: dir })).certificate).toBe(issued.certificate);
  });
});
