import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { certificateIdOf, type SealSigner } from './two-d-doc.ts';

/** The certification authority id the portal's seals name (the agency's own, for this portal). */
export const SEAL_CA_ID = 'FR00';

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
      writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
    }
    key = createPrivateKey(readFileSync(file, 'utf8'));
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error('SEAL_PRIVATE_KEY : une clé EC P-256 est attendue');
  return { caId: SEAL_CA_ID, certificateId: certificateIdOf(createPublicKey(key)), privateKey: key };
}

/** An in-memory key, for code that renders documents without an app (unit tests only). */
export function ephemeralSigner(): SealSigner {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { caId: SEAL_CA_ID, certificateId: certificateIdOf(createPublicKey(privateKey)), privateKey };
}

let current: SealSigner | null = null;
/** The key that seals the documents of this process (set by buildApp from the config). */
export function setDocumentSigner(signer: SealSigner): void {
  current = signer;
}
export function documentSigner(): SealSigner {
  current ??= ephemeralSigner();
  return current;
}

/** The public key of a signer, as published at /2d-doc/certificats/<CA><id>.pem. */
export const publicKeyPem = (signer: SealSigner): string => createPublicKey(signer.privateKey).export({ type: 'spki', format: 'pem' }).toString();

/** A key the verification trusts: the public half, named as the seals name it. */
export interface TrustedKey {
  caId: string;
  certificateId: string;
  publicKey: KeyObject;
}
export const trustedKeyOf = (signer: SealSigner): TrustedKey => ({ caId: signer.caId, certificateId: signer.certificateId, publicKey: createPublicKey(signer.privateKey) });
/** A published public key (SPKI PEM), as a verifier without the private key loads it. */
export function trustedKeyFromPem(pem: string): TrustedKey {
  const publicKey = createPublicKey(pem);
  return { caId: SEAL_CA_ID, certificateId: certificateIdOf(publicKey), publicKey };
}
