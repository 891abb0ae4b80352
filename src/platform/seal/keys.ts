import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { certificateIdOf, type SealSigner } from './two-d-doc.ts';

/** The certification authority id the portal's seals name (the agency's own, for this portal). */
export const SEAL_CA_ID = 'FR00';

/** The key that signs the seals and the X.509 certificate published for it. */
export interface SealIdentity {
  signer: SealSigner;
  /** PEM of the seal's certificate (SEAL_CERTIFICATE, or issued by the demo authority) */
  certificate: string;
}

/**
 * The portal's seal key: SEAL_PRIVATE_KEY (PKCS#8 PEM, EC P-256) in production; in development and
 * the demo, a key generated once and kept in the data folder (`seal-key.pem`, mode 0600).
 */
export function loadSealSigner(pem: string | null, dataDir: string): SealSigner {
  let key: KeyObject;
  if (pem) key = createPrivateKey(pem.replace(/\\n/g, '\n'));
  else {
    const file = path.join(dataDir, 'seal-key.pem');
    if (!existsSync(file)) {
      mkdirSync(dataDir, { recursive: true });
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      writeOnce(file, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 0o600);
    }
    key = createPrivateKey(readFileSync(file, 'utf8'));
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('SEAL_PRIVATE_KEY : une clé EC P-256 est attendue');
  return { caId: SEAL_CA_ID, certificateId: certificateIdOf(createPublicKey(key)), privateKey: key };
}

/**
 * The seal key and its certificate. SEAL_CERTIFICATE (PEM, issued by the agency's certification
 * authority) must certify SEAL_PRIVATE_KEY's public key; without it, the portal's demo authority
 * (its key and certificate kept in the data folder) issues one, kept as `seal-certificate.pem`
 * and issued again if the key changes.
 */
export async function loadSealIdentity(opts: { sealPrivateKey: string | null; sealCertificate: string | null; dataDir: string }): Promise<SealIdentity> {
  const signer = loadSealSigner(opts.sealPrivateKey, opts.dataDir);
  const publicKey = createPublicKey(signer.privateKey);
  if (opts.sealCertificate) {
    const pem = opts.sealCertificate.replace(/\\n/g, '\n');
    if (!certifies(pem, publicKey)) throw new Error('SEAL_CERTIFICATE : ce certificat ne porte pas la clé publique de SEAL_PRIVATE_KEY');
    return { signer, certificate: pem };
  }
  const file = path.join(opts.dataDir, 'seal-certificate.pem');
  if (existsSync(file)) {
    const pem = readFileSync(file, 'utf8');
    if (certifies(pem, publicKey)) return { signer, certificate: pem };
  }
  // the demo authority (and @peculiar/x509, ~0.15 s of CPU to load) only when a certificate must be issued, not at every start
  const { issueDemoSealCertificate } = await import('./demo-authority.ts');
  const pem = await issueDemoSealCertificate(opts.dataDir, signer.privateKey, writeOnce);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, pem);
  renameSync(tmp, file);
  return { signer, certificate: pem };
}

/** Whether a PEM is an X.509 certificate of this public key. */
function certifies(pem: string, publicKey: KeyObject): boolean {
  try {
    return new X509Certificate(pem).publicKey.equals(publicKey);
  } catch {
    return false;
  }
}

/** Writes a file only if it does not exist yet, atomically (two nodes starting at once keep the first). */
function writeOnce(file: string, content: string, mode = 0o644): void {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(tmp, content, { mode });
  try {
    linkSync(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(tmp);
  }
}

/** An in-memory key, for code that renders documents without an app (unit tests only). */
export function ephemeralSigner(): SealSigner {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { caId: SEAL_CA_ID, certificateId: certificateIdOf(createPublicKey(privateKey)), privateKey };
}

let current: SealIdentity | null = null;
/** The key that seals the documents of this process, and its certificate (set by buildApp from the config). */
export function setSealIdentity(identity: SealIdentity): void {
  current = identity;
}
let ephemeral: SealSigner | null = null;
export function documentSigner(): SealSigner {
  if (current) return current.signer;
  ephemeral ??= ephemeralSigner();
  return ephemeral;
}
/** The certificate published at /2d-doc/certificats/<CA><id>.pem (null before buildApp set one). */
export const publishedCertificate = (): string | null => current?.certificate ?? null;

/** A key the verification trusts: the public half, named as the seals name it. */
export interface TrustedKey {
  caId: string;
  certificateId: string;
  publicKey: KeyObject;
}
export const trustedKeyOf = (signer: SealSigner): TrustedKey => ({ caId: signer.caId, certificateId: signer.certificateId, publicKey: createPublicKey(signer.privateKey) });
/** A published certificate (X.509 PEM), as a verifier loads it: the seals it trusts are those its key verifies. */
export function trustedKeyFromCertificate(pem: string): TrustedKey {
  let publicKey: KeyObject;
  try {
    publicKey = new X509Certificate(pem).publicKey;
  } catch {
    throw new Error('Le fichier n’est pas un certificat X.509 au format PEM.');
  }
  return { caId: SEAL_CA_ID, certificateId: certificateIdOf(publicKey), publicKey };
}
