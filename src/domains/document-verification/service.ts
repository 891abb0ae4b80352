import type { Db } from '../../platform/db/database.ts';
import type { TrustedKey } from '../../platform/seal/keys.ts';
import { parseSeal, SEAL_DOCUMENT_TYPES, SEAL_FIELDS, SealFormatError, sealDate, sealValue, signatureValid, type ParsedSeal, type SealFieldId, type SealFields } from '../../platform/seal/two-d-doc.ts';
import { sealFor, tokenFromSeal } from '../vehicles/procedures/documents.ts';
import type { IssuedDocumentKind } from '../vehicles/tables.ts';
import { licenceDocumentInvalidity, preApplicationInvalidity } from './validity.ts';

/**
 * Checking a 2D-Doc: the signature first, offline, with the portal's public key (the one published
 * at /2d-doc/certificats/<CA><id>.pem); then, when a database is at hand, the data against the
 * registry (the issued document, the licence request or the pre-application it names), and whether
 * that request is still in a status where the document holds (validity.ts).
 */
export type SealVerdict =
  | { status: 'unreadable'; reason: string }
  | { status: 'unknown_key'; seal: ParsedSeal }
  | { status: 'bad_signature'; seal: ParsedSeal }
  | { status: 'signature_valid'; seal: ParsedSeal; registry: RegistryCheck | null };

/** `noLongerValid`: the document is genuine, but its request moved on (refused, expired…), in French. */
export type RegistryCheck = { found: false } | { found: true; matches: boolean; differences: SealFieldId[]; noLongerValid?: string };

const withValidity = (check: { found: true; matches: boolean; differences: SealFieldId[] }, reason: string | null): RegistryCheck =>
  reason ? { ...check, noLongerValid: reason } : check;

/** The verdict of a seal's signature with the keys the portal trusts (today: its current key). */
export function checkSignature(message: string, trusted: TrustedKey[]): SealVerdict {
  let seal: ParsedSeal;
  try {
    seal = parseSeal(message);
  } catch (error) {
    if (error instanceof SealFormatError) return { status: 'unreadable', reason: error.message };
    throw error;
  }
  const signer = trusted.find((s) => s.caId === seal.header.caId && s.certificateId === seal.header.certificateId);
  if (!signer) return { status: 'unknown_key', seal };
  return signatureValid(seal, signer.publicKey) ? { status: 'signature_valid', seal, registry: null } : { status: 'bad_signature', seal };
}

const differences = (sealed: SealFields, expected: SealFields): SealFieldId[] => {
  const ids = new Set([...Object.keys(sealed), ...Object.keys(expected)] as SealFieldId[]);
  return [...ids].filter((id) => (sealed[id] ?? null) !== (expected[id] === undefined ? null : sealValue(expected[id]!)));
};

const VEHICLE_TYPES: Record<string, IssuedDocumentKind> = { P1: 'certificat_cession', P2: 'csa', P3: 'cpi', P4: 'recapitulatif' };

/** The seal's data against what the registry holds for the document it names. */
export async function checkRegistry(db: Db, seal: ParsedSeal): Promise<RegistryCheck> {
  const t = seal.header.documentType;
  const f = seal.fields;
  if (VEHICLE_TYPES[t] && f.F1) {
    let token: string;
    try {
      token = tokenFromSeal(f.F1);
    } catch {
      return { found: false };
    }
    const doc = await db.selectFrom('issued_documents').select(['kind', 'token', 'content']).where('token', '=', token).executeTakeFirst();
    if (!doc || doc.kind !== VEHICLE_TYPES[t]) return { found: false };
    const diff = differences(f, sealFor(doc.kind, doc.content, doc.token).fields);
    return { found: true, matches: diff.length === 0, differences: diff };
  }
  if ((t === 'P5' || t === 'P6' || t === 'P7') && f.F0) {
    const r = await db.selectFrom('licence_requests').select(['status', 'data', 'decided_at', 'updated_at']).where('file_number', '=', f.F0).executeTakeFirst();
    if (!r || r.status === 'draft') return { found: false };
    const data = (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as { identity?: { birth_date?: string; family_name?: string } } | null;
    const diff: SealFieldId[] = [];
    if (!data?.identity?.birth_date || f.FA !== sealDate(data.identity.birth_date)) diff.push('FA');
    if (!data?.identity?.family_name || !(f.F4 ?? '').includes(sealValue(data.identity.family_name))) diff.push('F4');
    return withValidity({ found: true, matches: diff.length === 0, differences: diff }, licenceDocumentInvalidity(t, r));
  }
  if (t === 'P8' && f.FB) {
    const p = await db.selectFrom('pre_applications').select(['status', 'expires_at', 'taken_at', 'town_hall_name']).where('number', '=', f.FB).executeTakeFirst();
    if (!p || !p.expires_at) return { found: false };
    const diff: SealFieldId[] = f.F6 === sealDate(p.expires_at) ? [] : ['F6'];
    return withValidity({ found: true, matches: diff.length === 0, differences: diff }, preApplicationInvalidity(p));
  }
  return { found: false };
}

/** Signature, then registry: what the page and the CLI show. */
export async function verifySeal(db: Db | null, message: string, trusted: TrustedKey[]): Promise<SealVerdict> {
  const verdict = checkSignature(message, trusted);
  if (verdict.status !== 'signature_valid' || !db) return verdict;
  return { ...verdict, registry: await checkRegistry(db, verdict.seal) };
}

/** The seal's data with their labels, for people. */
export function describeSeal(seal: ParsedSeal): { type: string; rows: { id: string; label: string; value: string }[] } {
  const type = SEAL_DOCUMENT_TYPES[seal.header.documentType as keyof typeof SEAL_DOCUMENT_TYPES] ?? `type ${seal.header.documentType}`;
  const date = (v: string) => (/^\d{8}$/.test(v) ? `${v.slice(0, 2)}/${v.slice(2, 4)}/${v.slice(4)}` : /^\d{12}$/.test(v) ? `${v.slice(0, 2)}/${v.slice(2, 4)}/${v.slice(4, 8)} ${v.slice(8, 10)}:${v.slice(10)}` : v);
  return {
    type,
    rows: (Object.keys(seal.fields) as SealFieldId[]).map((id) => ({ id, label: SEAL_FIELDS[id].label, value: date(seal.fields[id]!) })),
  };
}

/** One sentence for the verdict, in French. */
export function verdictText(v: SealVerdict): { ok: boolean; title: string; detail: string } {
  switch (v.status) {
    case 'unreadable':
      return { ok: false, title: 'Code illisible', detail: `Ce code n’est pas un 2D-Doc du portail : ${v.reason}.` };
    case 'unknown_key':
      return { ok: false, title: 'Signataire inconnu', detail: 'Ce 2D-Doc n’a pas été signé avec une clé de l’agence. Le document n’est pas authentique.' };
    case 'bad_signature':
      return { ok: false, title: 'Signature invalide', detail: 'Les données de ce 2D-Doc ont été modifiées après sa signature. Le document n’est pas authentique.' };
    case 'signature_valid':
      if (!v.registry) return { ok: true, title: 'Signature valide', detail: 'Le 2D-Doc a bien été signé par l’agence (vérification sans réseau ; le registre n’a pas été consulté).' };
      if (!v.registry.found) return { ok: false, title: 'Document introuvable', detail: 'La signature est valide, mais le registre ne connaît pas ce document : il a pu être supprimé. Contactez l’agence.' };
      if (!v.registry.matches) return { ok: false, title: 'Données différentes du registre', detail: `La signature est valide, mais le registre indique autre chose pour : ${v.registry.differences.map((id) => SEAL_FIELDS[id].label).join(', ')}.` };
      if (v.registry.noLongerValid)
        return { ok: false, title: 'Document authentique mais plus valable', detail: `Le document est authentique (signature de l’agence valide, données conformes au registre), mais il n’est plus valable : ${v.registry.noLongerValid}.` };
      return { ok: true, title: 'Document authentique', detail: 'La signature de l’agence est valide et les données correspondent au registre.' };
  }
}
