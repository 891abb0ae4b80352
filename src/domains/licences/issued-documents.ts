import type { LicencesDeps } from './deps.ts';
import { licencePdf, verificationSignature, type LicenceDocument } from './documents.ts';
import { attestationAvailable, DRIVING_WHILE_WAITING, REASONS, reasonNeedsPhoto } from './model.ts';
import { categoriesOf, dataOf } from './request-data.ts';
import type { LicenceRequest } from './tables.ts';

const eur = (cents: number) => `${(cents / 100).toFixed(2).replace('.', ',')} €`;

/** Which documents this request offers now. */
export function documentsOf(r: LicenceRequest): LicenceDocument[] {
  if (r.status === 'draft') return [];
  return [
    'recepisse' as const,
    ...(r.photo_mode === 'classic' && reasonNeedsPhoto(r.reason) ? (['fps'] as const) : []),
    ...(attestationAvailable(r.reason, r.status) ? (['attestation'] as const) : []),
  ];
}

/** What the PDF documents print about a request. */
function documentContent(r: LicenceRequest) {
  const i = dataOf(r).identity!;
  return {
    fileNumber: r.file_number,
    reason: REASONS[r.reason].short,
    person: { name: `${i.given_names} ${i.family_name.toUpperCase()}${i.usage_name ? ` (nom d’usage ${i.usage_name.toUpperCase()})` : ''}`, birthDate: i.birth_date, birthPlace: i.birth_place, address: [i.address_line1, `${i.postcode} ${i.commune}`] },
    categories: categoriesOf(r),
    neph: r.neph,
    submittedAt: r.submitted_at ?? r.created_at,
    issuedAt: new Date(),
    fee: r.fee_cents ? `${eur(r.fee_cents)}, timbre n° •••• ${r.stamp_last4 ?? ''}` : null,
    photo: r.photo_mode,
    whileWaiting: DRIVING_WHILE_WAITING[r.reason] ?? [],
  };
}

/** One of the documents this request offers, as a PDF carrying its verification link; null otherwise. */
export async function issueDocument(deps: Pick<LicencesDeps, 'config'>, r: LicenceRequest, kind: LicenceDocument): Promise<{ pdf: Buffer; filename: string } | null> {
  if (!documentsOf(r).includes(kind)) return null;
  const url = `${deps.config.publicUrl}/permis/verifier/${r.file_number}/${verificationSignature(deps.config.sessionSecret, r.file_number)}`;
  const pdf = await licencePdf(kind, documentContent(r), url);
  return { pdf, filename: `${kind}-${r.file_number}.pdf` };
}

/** The public verification page's facts (no personal data beyond initials). */
export async function verifyRequest(deps: Pick<LicencesDeps, 'db'>, fileNumber: string) {
  const r = await deps.db.selectFrom('licence_requests').selectAll().where('file_number', '=', fileNumber).executeTakeFirst();
  if (!r || r.status === 'draft') return null;
  const i = dataOf(r).identity;
  return { fileNumber: r.file_number, reason: REASONS[r.reason].short, status: r.status, submittedAt: r.submitted_at, initials: i ? `${i.given_names.charAt(0)}. ${i.family_name.charAt(0)}.` : '' };
}
