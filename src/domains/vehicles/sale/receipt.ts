import { formatDate, formatLongDateTime } from '../../../platform/format-date.ts';
import type { Config } from '../../../config.ts';
import type { Db } from '../../../platform/db/database.ts';
import { officialDocumentPdf } from '../../../platform/pdf/official-document.ts';
import type { Account } from '../../../schema.ts';
import type { SaleDocumentContent } from '../procedures/documents.ts';
import { keptDrawing } from '../procedures/issued-documents.ts';

/**
 * The "accusé d'enregistrement" of a declaration of sale (code de cession sheet): at the end of the
 * declaration the declarant downloads it; it is signed by the former and the new owner, then sent
 * to the competent administrative service. Both parties download it: the seller from the
 * declaration, the buyer from their change of holder once the code de cession (or the former
 * certificate's references) tied it to that declaration. It is rendered from the content stored
 * with the certificate of sale, and its QR code leads to that certificate's verification page.
 * It never prints the code de cession.
 */
export const RECEIPT_TITLE = 'Accusé d’enregistrement de la déclaration de cession';

const paris = (iso: string, withTime = true) => (withTime ? formatLongDateTime : formatDate)(new Date(iso));

export function saleReceiptPdf(c: SaleDocumentContent, verifyUrl: string): Promise<Buffer> {
  return officialDocumentPdf(
    {
      title: RECEIPT_TITLE,
      subtitle: 'Article R. 322-4 du code de la route — déclaration de cession enregistrée en ligne',
      fileNumber: c.fileNumber,
      issuedAt: c.issuedAt,
      qrUrl: verifyUrl,
      footer: `Vérifiez en ligne la déclaration de cession enregistrée : ${verifyUrl}`,
    },
    (page) => {
      page.section('L’enregistrement');
      page.fields([
        { label: 'Numéro de la déclaration', value: c.fileNumber },
        { label: 'Enregistrée le', value: paris(c.issuedAt) },
        { label: 'Date et heure de la cession', value: paris(c.saleAt), wide: true },
      ]);
      page.section('Le véhicule');
      page.fields([
        { code: 'A', label: 'Numéro d’immatriculation', value: c.plate },
        { code: 'E', label: 'Numéro d’identification du véhicule', value: c.vin },
        { label: 'Kilométrage déclaré', value: `${c.mileage.toLocaleString('fr-FR')} km` },
      ]);
      page.section('L’ancien propriétaire (vendeur)');
      page.fields([
        { label: 'Nom, prénoms ou raison sociale', value: c.seller.name, wide: true },
        { label: 'Adresse', value: c.seller.address.join(', '), wide: true },
      ]);
      page.section('Le nouveau propriétaire (acquéreur)');
      page.fields([
        { label: 'Nom, prénoms ou raison sociale', value: c.buyer.name, wide: !c.buyer.birthDate },
        ...(c.buyer.birthDate ? [{ label: 'Date de naissance', value: paris(c.buyer.birthDate, false) }] : []),
        { label: 'Adresse', value: c.buyer.address.join(', '), wide: true },
      ]);
      page.signatures([
        { label: 'Signature de l’ancien propriétaire', hint: 'précédée de la date' },
        { label: 'Signature du nouveau propriétaire', hint: 'précédée de la date' },
      ]);
      page.paragraph('Cet accusé d’enregistrement doit être signé par le nouveau et l’ancien propriétaire, puis envoyé au service administratif compétent.', { bold: true, gap: 10 });
      page.paragraph('Il ne contient pas le code de cession : le vendeur le remet à l’acheteur avec le certificat d’immatriculation barré et signé, le certificat de cession et le certificat de situation administrative.');
    },
  );
}

/**
 * The accusé of the declaration whose certificate of sale is `certificate`, kept with the issued
 * documents' drawings under that certificate's token (its content is immutable): drawn when the sale
 * is confirmed (for its size), the seller's download right after is that drawing, not a new one.
 */
export const renderSaleReceipt = (certificate: { token: string; content: unknown }, publicUrl: string): Promise<Buffer> =>
  keptDrawing(`${publicUrl}\naccuse\n${certificate.token}`, () => saleReceiptPdf(certificate.content as SaleDocumentContent, `${publicUrl}/verification/${certificate.token}`));

/** Which declaration of sale a procedure of this account may show the accusé of, and its PDF. */
export function createSaleReceipts(deps: { db: Db; config: Config }) {
  const { db, config } = deps;

  /** The declaration's procedure id: the seller's own completed declaration, or the one the buyer's change of holder was tied to. */
  async function declarationOf(account: Account, fileNumber: string): Promise<number | null> {
    const p = await db.selectFrom('vehicle_procedures').select(['id', 'kind', 'status', 'data']).where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst();
    if (!p) return null;
    if (p.kind === 'sale_declaration') return p.status === 'completed' ? p.id : null;
    if (p.kind !== 'holder_change') return null;
    const cessionCodeId = (p.data as { transfer?: { cessionCodeId?: number } } | null)?.transfer?.cessionCodeId;
    if (typeof cessionCodeId !== 'number') return null;
    const cession = await db.selectFrom('cession_codes').select('procedure_id').where('id', '=', cessionCodeId).executeTakeFirst();
    return cession?.procedure_id ?? null;
  }

  return {
    /** Whether the procedure shows the link (the same rule as the download). */
    available: async (account: Account, fileNumber: string): Promise<boolean> => (await declarationOf(account, fileNumber)) !== null,

    /** The accusé of a completed declaration whose certificate of sale was already read. */
    pdfOfCertificate: (doc: { token: string; content: unknown }): Promise<Buffer> => renderSaleReceipt(doc, config.publicUrl),

    async pdf(account: Account, fileNumber: string): Promise<Buffer | null> {
      const declaration = await declarationOf(account, fileNumber);
      if (declaration === null) return null;
      const doc = await db.selectFrom('issued_documents').select(['token', 'content']).where('procedure_id', '=', declaration).where('kind', '=', 'certificat_cession').executeTakeFirst();
      return doc ? renderSaleReceipt(doc, config.publicUrl) : null;
    },
  };
}
export type SaleReceipts = ReturnType<typeof createSaleReceipts>;
