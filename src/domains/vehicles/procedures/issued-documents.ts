import { randomBytes } from 'node:crypto';
import type { Db } from '../../../platform/db/database.ts';
import { measuredPdfSize } from '../../../platform/pdf/measured-size.ts';
import { cpiPdf, saleDocumentPdf, summaryPdf, type CpiContent, type SaleDocumentContent, type SummaryContent } from './documents.ts';
import type { IssuedDocumentKind } from '../tables.ts';
import type { TaxLine } from '../taxes/model.ts';

/** Issues the summary (récapitulatif) of a finished request, with its verification token. */
export async function issueSummary(
  trx: Db,
  opts: { procedureId: number; fileNumber: string; procedure: string; plate: string; rows: { label: string; value: string }[]; taxes?: TaxLine[] },
): Promise<void> {
  const content: SummaryContent = {
    fileNumber: opts.fileNumber,
    procedure: opts.procedure,
    plate: opts.plate,
    rows: opts.rows,
    taxes: (opts.taxes ?? []).map((t) => ({ field: t.field, label: t.label, amountCents: t.amountCents })),
    issuedAt: new Date().toISOString(),
  };
  await trx.insertInto('issued_documents').values({ token: randomBytes(16).toString('base64url'), kind: 'recapitulatif', procedure_id: opts.procedureId, plate: opts.plate, content: JSON.stringify(content) }).execute();
}

/** Renders an issued document again, identically, from what was stored when it was issued. */
export function renderIssuedDocument(doc: { kind: IssuedDocumentKind; token: string; content: unknown }, publicUrl: string): Promise<Buffer> {
  const verifyUrl = `${publicUrl}/verification/${doc.token}`;
  switch (doc.kind) {
    case 'cpi':
      return cpiPdf(doc.content as CpiContent, verifyUrl);
    case 'recapitulatif':
      return summaryPdf(doc.content as SummaryContent, verifyUrl);
    default:
      return saleDocumentPdf(doc.kind, doc.content as SaleDocumentContent, verifyUrl);
  }
}

/** The documents issued for a procedure, for the download links of its page. */
export const issuedDocuments = (db: Db, procedureId: number) =>
  db.selectFrom('issued_documents').select(['kind', 'token', 'issued_at']).where('procedure_id', '=', procedureId).orderBy('issued_at').execute();

/**
 * The documents issued for a procedure with the size of each one's PDF, for download links stating
 * « (PDF – 45 Ko) »: the latest of each kind, measured once per issued document (its token names an
 * immutable content, so the size kept under it never goes stale).
 */
export async function issuedDocumentsWithSizes(db: Db, procedureId: number, publicUrl: string): Promise<{ kind: IssuedDocumentKind; bytes: number | null }[]> {
  const rows = await db.selectFrom('issued_documents').select(['kind', 'token', 'content']).where('procedure_id', '=', procedureId).orderBy('issued_at').execute();
  const latest = new Map(rows.map((r) => [r.kind, r]));
  return Promise.all([...latest.values()].map(async (doc) => ({ kind: doc.kind, bytes: await measuredPdfSize(`issued:${doc.token}`, () => renderIssuedDocument(doc, publicUrl)) })));
}
