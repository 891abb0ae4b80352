import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import 'reflect-metadata'; // @peculiar/x509's dependency injection needs it, loaded first
import * as x509 from '@peculiar/x509';

/**
 * The portal's demo certification authority: outside production (or in production without
 * SEAL_CERTIFICATE) it issues the X.509 certificate of the seal key. Its key and self-signed
 * certificate are made once and kept in the data folder (`seal-ca-key.pem`, `seal-ca.pem`).
 * A real deployment gets the seal's certificate from the agency's authority instead.
 */
x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const DAY = 86_400_000;
export const DEMO_AUTHORITY_NAME = 'CN=AC de démonstration du cachet 2D-Doc, O=Agence nationale des titres sécurisés, C=FR';
export const SEAL_SUBJECT_NAME = 'CN=Cachet 2D-Doc du portail des titres sécurisés, O=Agence nationale des titres sécurisés, C=FR';

const serial = () => randomBytes(8).toString('hex').replace(/^[89a-f]/, '1');
const signingKey = (key: KeyObject) => key.toCryptoKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']) as unknown as CryptoKey;
const verifyingKey = (key: KeyObject) => createPublicKey(key).toCryptoKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']) as unknown as CryptoKey;

/** The demo authority's key and certificate, made on first use (10 years). */
async function demoAuthority(dataDir: string, writeOnce: (file: string, content: string, mode?: number) => void): Promise<{ key: KeyObject; certificate: x509.X509Certificate }> {
  const keyFile = path.join(dataDir, 'seal-ca-key.pem');
  const certFile = path.join(dataDir, 'seal-ca.pem');
  if (!existsSync(keyFile)) writeOnce(keyFile, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
  const key = createPrivateKey(readFileSync(keyFile, 'utf8'));
  if (existsSync(certFile)) {
    const certificate = new x509.X509Certificate(readFileSync(certFile, 'utf8'));
    if (createPublicKey(key).equals(createPublicKey({ key: Buffer.from(certificate.publicKey.rawData), format: 'der', type: 'spki' }))) return { key, certificate };
  }
  const now = new Date();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: DEMO_AUTHORITY_NAME,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 3650 * DAY),
    signingAlgorithm: ECDSA,
    keys: { privateKey: signingKey(key), publicKey: verifyingKey(key) },
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)],
  });
  writeOnce(certFile, certificate.toString('pem'));
  return demoAuthority(dataDir, writeOnce);
}

/** A certificate (3 years) of the seal key, issued by the demo authority: the seal's certificate and then the authority's, as PEM. */
export async function issueDemoSealCertificate(dataDir: string, sealKey: KeyObject, writeOnce: (file: string, content: string, mode?: number) => void): Promise<string> {
  const authority = await demoAuthority(dataDir, writeOnce);
  const now = new Date();
  const certificate = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: SEAL_SUBJECT_NAME,
    issuer: authority.certificate.subject,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 3 * 365 * DAY),
    signingAlgorithm: ECDSA,
    publicKey: verifyingKey(sealKey),
    signingKey: signingKey(authority.key),
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.nonRepudiation, true)],
  });
  return `${certificate.toString('pem')}\n${authority.certificate.toString('pem')}\n`;
}
