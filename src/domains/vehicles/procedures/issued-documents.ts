import { randomBytes } from 'node:crypto';
import { setKeepingAtMost } from '../../../platform/bounded-map.ts';
import type { Db } from '../../../platform/db/database.ts';
import { measuredPdfSize } from '../../../platform/pdf/measured-size.ts';
import { cpiPdf, saleDocumentPdf, summaryPdf, withSignedSeal, type CpiContent, type SaleDocumentContent, type SummaryContent } from './documents.ts';
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

/**
 * A document about to be issued, as its `issued_documents` row: a new verification token, the
 * content with its seal signed once, and the size of the PDF every later render gives (drawn now,
 * before the caller's transaction: no connection is held while it is drawn). Also returns the PDF.
 */
export async function prepareIssuedDocument<C extends SaleDocumentContent | CpiContent | SummaryContent>(
  kind: IssuedDocumentKind,
  content: C,
  opts: { procedureId: number; plate: string; publicUrl: string },
): Promise<{ row: { token: string; kind: IssuedDocumentKind; procedure_id: number; plate: string; content: string; pdf_bytes: number }; content: C & { seal: string }; pdf: Buffer }> {
  const token = randomBytes(16).toString('base64url');
  const sealed = withSignedSeal(kind, content, token);
  const pdf = await renderIssuedDocument({ kind, token, content: sealed }, opts.publicUrl);
  return { row: { token, kind, procedure_id: opts.procedureId, plate: opts.plate, content: JSON.stringify(sealed), pdf_bytes: pdf.length }, content: sealed, pdf };
}

/**
 * The PDFs drawn lately, by verification token (a token names one immutable content: its PDF never
 * goes stale). Downloading a document again, or many times in a row, costs no new drawing (~30–90 ms
 * of CPU each); the same token asked while it is being drawn waits for that one drawing. Only a
 * caller that already checked the document is the asker's may ask (the routes load it through its
 * owner's procedure): the key is the document, never who asks. Per process, a few MB at most.
 */
const DRAWN_KEPT = 64;
const DRAWN_KEPT_MS = 5 * 60_000;
const drawn = new Map<string, { pdf: Promise<Buffer>; at: number }>();
let drawings = 0;

/** Renders an issued document again, identically, from what was stored when it was issued (kept a few minutes per process). */
export function renderIssuedDocument(doc: { kind: IssuedDocumentKind; token: string; content: unknown }, publicUrl: string): Promise<Buffer> {
  return keptDrawing(`${publicUrl}\n${doc.kind}\n${doc.token}`, () => drawIssuedDocument(doc, publicUrl));
}

/**
 * A PDF drawn from an immutable content named by `key` (a document's kind and verification token),
 * kept with the issued documents' drawings: the issued documents above and the accusé of a sale
 * (drawn from its certificate's content). `draw` runs only when nothing is kept under the key.
 */
export function keptDrawing(key: string, draw: () => Promise<Buffer>): Promise<Buffer> {
  const now = Date.now();
  const kept = drawn.get(key);
  if (kept && now - kept.at < DRAWN_KEPT_MS) return kept.pdf;
  drawings++;
  const pdf = draw();
  setKeepingAtMost(drawn, key, { pdf, at: now }, DRAWN_KEPT);
  pdf.catch(() => drawn.get(key)?.pdf === pdf && drawn.delete(key));
  return pdf;
}

/** Forgets the PDFs kept: the next render draws again, as another process or a later one would (tests and benchmarks check that it gives the same bytes). */
export function forgetDrawnDocuments(): void {
  drawn.clear();
}

/** How many issued documents (and accusés) this process has drawn (not served from the ones kept): for tests and operators. */
export const issuedDocumentDrawings = (): number => drawings;

function drawIssuedDocument(doc: { kind: IssuedDocumentKind; token: string; content: unknown }, publicUrl: string): Promise<Buffer> {
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
 * The size of an issued document's PDF: recorded when it was issued, or, for a document issued
 * without it, measured once per token (a token names an immutable content: the size kept under it
 * never goes stale; within a few hundred bytes, its seal being signed again at each render).
 */
export const issuedDocumentSize = (doc: { kind: IssuedDocumentKind; token: string; content: unknown; pdf_bytes: number | null }, publicUrl: string): Promise<number | null> =>
  doc.pdf_bytes !== null ? Promise.resolve(doc.pdf_bytes) : measuredPdfSize(`issued:${doc.token}`, () => renderIssuedDocument(doc, publicUrl));

/** The documents issued for a procedure with the size of each one's PDF, for download links stating « (PDF – 45 Ko) »: the latest of each kind. */
export async function issuedDocumentsWithSizes(db: Db, procedureId: number, publicUrl: string): Promise<{ kind: IssuedDocumentKind; bytes: number | null }[]> {
  const rows = await db.selectFrom('issued_documents').select(['kind', 'token', 'content', 'pdf_bytes']).where('procedure_id', '=', procedureId).orderBy('issued_at').execute();
  const latest = new Map(rows.map((r) => [r.kind, r]));
  return Promise.all([...latest.values()].map(async (doc) => ({ kind: doc.kind, bytes: await issuedDocumentSize(doc, publicUrl) })));
}
