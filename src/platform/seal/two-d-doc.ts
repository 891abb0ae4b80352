import { createHash, sign as ecdsaSign, verify as ecdsaVerify, type KeyObject } from 'node:crypto';

/**
 * The 2D-Doc seal (the agency's standard for secure documents, "spécifications techniques 2D-Doc"
 * v3.x), as the portal writes it in a DataMatrix: a header (C40 characters), typed data fields, the
 * unit separator, then the ECDSA P-256 / SHA-256 signature of header + fields, in Base32.
 *
 *   header v04: "DC" 04 <CA id, 4> <certificate id, 4> <issue date, 4 hex> <signature date, 4 hex>
 *               <document type, 2> <perimeter, 2> <country, 2>
 *   field:      <identifier, 2> <value> then GS (0x1D) when the value has a variable length
 *   signature:  US (0x1F) then Base32 (RFC 4648, no padding) of r‖s (64 bytes)
 *
 * Dates are days since 1 January 2000, in hexadecimal. The document types and field identifiers
 * below are the portal's own perimeter (not identifiers registered with the agency's 2D-Doc list):
 * they follow the same encoding rules.
 */

export const GS = '\u001D';
export const US = '\u001F';
export const VERSION = '04';
export const PERIMETER = '01';
export const COUNTRY = 'FR';

/** Document types sealed by the portal. */
export const SEAL_DOCUMENT_TYPES = {
  P1: 'Certificat de cession d’un véhicule d’occasion',
  P2: 'Certificat de situation administrative',
  P3: 'Certificat provisoire d’immatriculation',
  P4: 'Récapitulatif de demande (véhicule)',
  P5: 'Récépissé de dépôt de permis de conduire',
  P6: 'Formulaire de dépôt photo et signature',
  P7: 'Attestation de droits à conduire',
  P8: 'Récapitulatif de pré-demande de titre d’identité',
} as const;
export type SealDocumentType = keyof typeof SEAL_DOCUMENT_TYPES;

/** Field identifiers: a fixed length, or null for a variable length ended by GS. */
export const SEAL_FIELDS = {
  F0: { label: 'Numéro de dossier', length: null },
  F1: { label: 'Référence de vérification', length: null },
  F2: { label: 'Numéro d’immatriculation (A)', length: null },
  F3: { label: 'Numéro d’identification du véhicule (E)', length: 17 },
  F4: { label: 'Titulaire ou personne concernée', length: null },
  F5: { label: 'Date de délivrance', length: 8 },
  F6: { label: 'Date de fin de validité', length: 8 },
  F7: { label: 'Date et heure de la cession', length: 12 },
  F8: { label: 'Kilométrage', length: null },
  F9: { label: 'Acquéreur', length: null },
  FA: { label: 'Date de naissance', length: 8 },
  FB: { label: 'Numéro de pré-demande', length: null },
} as const satisfies Record<string, { label: string; length: number | null }>;
export type SealFieldId = keyof typeof SEAL_FIELDS;
export type SealFields = Partial<Record<SealFieldId, string>>;

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
export function base32(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}
export function fromBase32(text: string): Buffer {
  let bits = 0;
  let value = 0;
  const out: number[] = [];
  for (const c of text.replace(/=+$/, '')) {
    const v = BASE32.indexOf(c);
    if (v < 0) throw new SealFormatError('signature : caractère hors de l’alphabet Base32');
    value = (value << 5) | v;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

const EPOCH = Date.UTC(2000, 0, 1);
// made once: building a DateTimeFormat costs more than formatting with it (each seal formats 3 to 5 dates)
const PARIS_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }); // YYYY-MM-DD
const PARIS_DATE = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric' });
const PARIS_DATE_TIME = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** A date as 4 hexadecimal digits: days since 1 January 2000 (Paris calendar day). */
export function hexDate(d: Date): string {
  const day = PARIS_DAY.format(d);
  return Math.round((Date.parse(`${day}T00:00:00Z`) - EPOCH) / 86_400_000).toString(16).toUpperCase().padStart(4, '0');
}
export function dateFromHex(hex: string): string {
  return new Date(EPOCH + parseInt(hex, 16) * 86_400_000).toISOString().slice(0, 10);
}

/** Uppercase, no diacritics, only characters a 2D-Doc value may hold; spaces collapsed. */
export function sealValue(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/Œ/gi, 'OE')
    .replace(/Æ/gi, 'AE')
    .toUpperCase()
    .replace(/[^A-Z0-9 \-/.,']/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export class SealFormatError extends Error {}

export interface SealHeader {
  version: string;
  caId: string;
  certificateId: string;
  issuedOn: string; // YYYY-MM-DD
  signedOn: string;
  documentType: string;
  perimeter: string;
  country: string;
}

export interface SealSigner {
  caId: string;
  certificateId: string;
  privateKey: KeyObject;
}

/** The message of a seal, signed. Values are normalised with `sealValue` (fixed-length ones checked). */
export function createSeal(signer: SealSigner, type: SealDocumentType, fields: SealFields, issuedAt: Date, signedAt = new Date()): string {
  const header = `DC${VERSION}${signer.caId}${signer.certificateId}${hexDate(issuedAt)}${hexDate(signedAt)}${type}${PERIMETER}${COUNTRY}`;
  let message = '';
  const ids = Object.keys(fields).sort() as SealFieldId[];
  ids.forEach((id, i) => {
    const value = sealValue(fields[id] ?? '');
    const spec = SEAL_FIELDS[id];
    if (spec.length !== null && value.length !== spec.length) throw new SealFormatError(`champ ${id} : ${spec.length} caractères attendus`);
    if (value.includes(GS) || value.includes(US)) throw new SealFormatError(`champ ${id} : séparateur interdit`);
    message += `${id}${value}${spec.length === null && i < ids.length - 1 ? GS : ''}`;
  });
  const signed = header + message;
  const signature = ecdsaSign('sha256', Buffer.from(signed, 'utf8'), { key: signer.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signed}${US}${base32(signature)}`;
}

export interface ParsedSeal {
  header: SealHeader;
  fields: SealFields;
  /** the bytes the signature covers */
  signed: string;
  signature: Buffer;
}

/** Reads a seal's message; throws SealFormatError when it is not a 2D-Doc of this perimeter. */
export function parseSeal(text: string): ParsedSeal {
  const sep = text.indexOf(US);
  if (!text.startsWith('DC') || sep < 0) throw new SealFormatError('ce n’est pas un 2D-Doc (en-tête « DC » ou signature absente)');
  const signed = text.slice(0, sep);
  // only what `sealValue` and the header can produce: anything else (a letter outside A–Z, a control
  // character) is a forgery, never passed on to a signature check, a page or a terminal
  if (/[^A-Z0-9 \-/.,'\x1d]/.test(signed)) throw new SealFormatError('caractère non autorisé dans un 2D-Doc');
  const h = /^DC(\d{2})([A-Z0-9]{4})([A-Z0-9]{4})([0-9A-F]{4})([0-9A-F]{4})([A-Z0-9]{2})([A-Z0-9]{2})([A-Z]{2})/.exec(signed);
  if (!h || h[1] !== VERSION) throw new SealFormatError('en-tête 2D-Doc illisible ou version non prise en charge');
  const header: SealHeader = { version: h[1]!, caId: h[2]!, certificateId: h[3]!, issuedOn: dateFromHex(h[4]!), signedOn: dateFromHex(h[5]!), documentType: h[6]!, perimeter: h[7]!, country: h[8]! };
  const fields: SealFields = {};
  let rest = signed.slice(h[0].length);
  while (rest.length) {
    const id = rest.slice(0, 2) as SealFieldId;
    const spec = SEAL_FIELDS[id];
    if (!spec) throw new SealFormatError(`identifiant de donnée inconnu : ${id}`);
    rest = rest.slice(2);
    if (spec.length !== null) {
      if (rest.length < spec.length) throw new SealFormatError(`champ ${id} tronqué`);
      fields[id] = rest.slice(0, spec.length);
      rest = rest.slice(spec.length);
    } else {
      const end = rest.indexOf(GS);
      fields[id] = end < 0 ? rest : rest.slice(0, end);
      rest = end < 0 ? '' : rest.slice(end + 1);
    }
  }
  return { header, fields, signed, signature: fromBase32(text.slice(sep + 1)) };
}

/** Whether the signature is the one of this public key over the header and fields. */
export function signatureValid(seal: ParsedSeal, publicKey: KeyObject): boolean {
  if (seal.signature.length !== 64) return false;
  return ecdsaVerify('sha256', Buffer.from(seal.signed, 'utf8'), { key: publicKey, dsaEncoding: 'ieee-p1363' }, seal.signature);
}

/** A certificate id of 4 characters derived from the public key (stable per key, different for another). */
export function certificateIdOf(publicKey: KeyObject): string {
  return base32(createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest()).slice(0, 4);
}

/** dd/mm/yyyy → "DDMMYYYY" (a fixed 8-character date field) from an ISO instant or day, Paris time. */
export function sealDate(isoOrDate: string | Date): string {
  const d = typeof isoOrDate === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(isoOrDate) ? new Date(`${isoOrDate}T12:00:00Z`) : new Date(isoOrDate);
  return PARIS_DATE.format(d).replace(/\//g, '');
}
/** "DDMMYYYYHHMM", Paris time. */
export function sealDateTime(iso: string | Date): string {
  const p = Object.fromEntries(PARIS_DATE_TIME.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return `${p.day}${p.month}${p.year}${p.hour}${p.minute}`;
}
