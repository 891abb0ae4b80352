import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226): HMAC-SHA-1, 6 digits, 30-second steps,
 * what every authenticator app (FreeOTP, Aegis, Google or Microsoft Authenticator…) computes.
 * The shared secret is 160 random bits, shown once in base32 at enrolment, and stored encrypted.
 */
export const TOTP_STEP_SECONDS = 30;
export const TOTP_DIGITS = 6;
/** Codes of the previous and next step are accepted too (clock drift, a code typed as it changes). */
export const TOTP_WINDOW = 1;
export const TOTP_ISSUER = 'Portail des titres sécurisés';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/** Decodes base32, ignoring case, spaces, hyphens and padding; throws on any other character. */
export function base32Decode(text: string): Buffer {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) throw new Error('Clé base32 invalide');
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new shared secret: 160 random bits (RFC 4226's recommended length), in base32. */
export const generateTotpSecret = (): string => base32Encode(randomBytes(20));

/** RFC 4226 HOTP value of `counter`, `digits` long. */
export function hotp(key: Uint8Array, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(binary).padStart(digits, '0');
}

export const totpStep = (timeMs: number): number => Math.floor(timeMs / 1000 / TOTP_STEP_SECONDS);

/** The code an authenticator app shows at `timeMs` for this base32 secret. */
export const totpAt = (secret: string, timeMs: number): string => hotp(base32Decode(secret), totpStep(timeMs));

/** The code an authenticator app shows now (tests and the demo use it). */
export const totpNow = (secret: string): string => totpAt(secret, Date.now());

/**
 * The step whose code matches, within ±TOTP_WINDOW of now, or null. Every candidate is compared
 * in constant time. The caller refuses a step not later than the last one accepted (no replay).
 */
export function matchingStep(secret: string, code: string, timeMs = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const key = base32Decode(secret);
  const now = totpStep(timeMs);
  let found: number | null = null;
  for (let step = now - TOTP_WINDOW; step <= now + TOTP_WINDOW; step++) {
    if (timingSafeEqual(Buffer.from(hotp(key, step)), Buffer.from(code)) && found === null) found = step;
  }
  return found;
}

/** The otpauth:// URI authenticator apps import (the Key Uri Format of Google Authenticator). */
export function otpauthUri(secret: string, accountName: string): string {
  const label = `${encodeURIComponent(TOTP_ISSUER)}:${encodeURIComponent(accountName)}`;
  const params = new URLSearchParams({ secret, issuer: TOTP_ISSUER, algorithm: 'SHA1', digits: String(TOTP_DIGITS), period: String(TOTP_STEP_SECONDS) });
  return `otpauth://totp/${label}?${params.toString().replace(/\+/g, '%20')}`;
}

/** "ABCD EFGH …": the secret in groups of four, easier to read and type. */
export const groupSecret = (secret: string): string => secret.replace(/(.{4})(?=.)/g, '$1 ');

// ---- The secret at rest: AES-256-GCM under a key derived from the session secret (HKDF-SHA-256) ----

const FORMAT = 'v1';

function secretKey(sessionSecret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', sessionSecret, 'portail-titres', 'agents-totp-secret-v1', 32));
}

/**
 * Encrypts a TOTP secret for the agents table: "v1.<iv>.<ciphertext>.<tag>" (base64url), the
 * agent's id bound as additional data so a ciphertext copied to another agent's row does not open.
 */
export function encryptTotpSecret(sessionSecret: string, agentId: number, secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secretKey(sessionSecret), iv);
  cipher.setAAD(Buffer.from(`agent:${agentId}`));
  const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [FORMAT, iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Throws when the value was altered, belongs to another agent, or was sealed under another session secret. */
export function decryptTotpSecret(sessionSecret: string, agentId: number, sealed: string): string {
  const [format, iv, ciphertext, tag] = sealed.split('.');
  if (format !== FORMAT || !iv || !ciphertext || !tag) throw new Error('Secret TOTP illisible');
  const decipher = createDecipheriv('aes-256-gcm', secretKey(sessionSecret), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(`agent:${agentId}`));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}
