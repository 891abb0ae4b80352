import { createHmac, hkdfSync } from 'node:crypto';
import { sql } from 'kysely';
import type { Config } from '../../../config.ts';
import type { Actor } from '../../../platform/audit.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { Account } from '../../../schema.ts';
import type { Outcome } from '../../accounts/service.ts';
import { vehicleSituation } from '../registry/situation.ts';
import type { SaleDocumentContent } from '../procedures/documents.ts';
import { issuedDocumentSize, prepareIssuedDocument, renderIssuedDocument } from '../procedures/issued-documents.ts';
import { renderSaleReceipt } from './receipt.ts';
import { CESSION_CODE_VALID_DAYS, DECLARATION_FIELDS, validateDeclaration, newCessionCode, normalizeCessionCode, issuedSpellings, parisInstant, SALE_STEPS, type Declaration, type SalePage, type SaleStep } from './model.ts';
import { applyTransition, TransitionRefused } from '../procedures/transitions.ts';
import type { IssuedDocumentKind, VehicleProcedure } from '../tables.ts';
import { saveStepData } from '../procedures/step-data.ts';
import { closeRequestsEndedBySale } from '../registry/sold.ts';

export interface SaleState {
  /** the furthest tab reached: every page up to it can be shown again */
  step: SaleStep;
  declaration?: Declaration;
  /** what was last typed on the buyer and declaration pages, checked or not (nothing typed is lost) */
  draft?: Record<string, string>;
  /** the size of the accusé d'enregistrement's PDF, measured when the sale was confirmed (its documents' sizes are on their rows) */
  receiptBytes?: number;
}

/** The typed values worth keeping from a posted declaration page: its own fields, as text. */
export function draftOf(input: Record<string, unknown>): Record<string, string> {
  const draft: Record<string, string> = {};
  for (const name of DECLARATION_FIELDS) {
    const value = input[name];
    if (typeof value === 'string') draft[name] = value.slice(0, 200);
  }
  return draft;
}

/** The declaration of sale, step by step; every answer is saved with the procedure (nothing lost). */
export function createSaleService(deps: { db: Db; config: Config }) {
  const { db, config } = deps;
  const codeKey = Buffer.from(hkdfSync('sha256', config.sessionSecret, 'cession-code', 'portail-titres', 32));
  /** The stored form of one exact spelling of a code. */
  const hashSpelling = (spelling: string) => createHmac('sha256', codeKey).update(spelling).digest('hex');
  /** The stored form of a new code (drawn without I, L, O: its spelling is the code as read). */
  const hashCode = (code: string) => hashSpelling(normalizeCessionCode(code));
  /** The stored forms a typed code may match: the code as read, and the spellings older codes were issued with. */
  const codeHashes = (typed: string): string[] => issuedSpellings(normalizeCessionCode(typed)).map(hashSpelling);

  async function load(account: Account, fileNumber: string): Promise<VehicleProcedure | null> {
    const p = await db.selectFrom('vehicle_procedures').selectAll().where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst();
    return p && p.kind === 'sale_declaration' ? p : null;
  }
  const stateOf = (p: VehicleProcedure): SaleState => ((p.data as { sale?: SaleState }).sale ?? { step: 'start' });
  /** Only while the declaration is still in progress: a step posted as « Confirmer » files it writes nothing (step-data.ts). */
  async function save(p: VehicleProcedure, sale: SaleState) {
    await saveStepData(db, p, { data: JSON.stringify({ ...(p.data as object), sale }) });
  }

  /** The buyer's kind, chosen on its own page before the fields of that kind. */
  function buyerKind(p: VehicleProcedure): 'natural' | 'legal' | undefined {
    const sale = stateOf(p);
    const kind = sale.draft?.buyer_kind ?? sale.declaration?.buyer_kind;
    return kind === 'natural' || kind === 'legal' ? kind : undefined;
  }

  async function documentContent(p: VehicleProcedure, declaration: Declaration): Promise<SaleDocumentContent> {
    const d = declaration;
    return {
      fileNumber: p.file_number,
      ...(await vehicleSituation(db, p.vehicle_id)),
      buyer: {
        name: d.buyer_kind === 'natural' ? `${d.buyer_given_names} ${d.buyer_birth_name!.toUpperCase()}` : `${d.buyer_company_name!.toUpperCase()} (SIREN ${d.buyer_siren})`,
        birthDate: d.buyer_kind === 'natural' ? d.buyer_birth_date! : null,
        address: [d.buyer_address_line1, `${d.buyer_postcode} ${d.buyer_commune.toUpperCase()}`, ...(d.buyer_country && d.buyer_country.toUpperCase() !== 'FRANCE' ? [d.buyer_country.toUpperCase()] : [])],
        professional: d.buyer_is_professional === 'oui',
      },
      saleAt: parisInstant(d.sale_date, d.sale_time).toISOString(),
      mileage: d.mileage,
      issuedAt: new Date().toISOString(),
    };
  }

  return {
    load,
    stateOf,

    /**
     * The plate and the current holder's name (the seller has proven the code or is the holder), and
     * why this vehicle cannot be sold now (already declared sold, an opposition), in one query. The
     * reason is told only once the seller has proven possession (the code, or the holder's certified
     * identity), never at the start; none once the sale is declared.
     */
    async vehicleOf(p: VehicleProcedure): Promise<{ plate: string; holder: string; blocked: string | null }> {
      const v = await db
        .selectFrom('vehicles as v')
        .innerJoin('vehicle_holders as h', 'h.id', 'v.holder_id')
        .select(['v.plate', 'v.sold_at', 'h.kind', 'h.given_names', 'h.birth_name', 'h.company_name'])
        .select((eb) =>
          eb.exists(eb.selectFrom('vehicle_encumbrances as e').select('e.id').whereRef('e.vehicle_id', '=', 'v.id').where('e.lifted_at', 'is', null).where('e.kind', '!=', 'gage')).as('opposed'),
        )
        .where('v.id', '=', p.vehicle_id)
        .executeTakeFirstOrThrow();
      const blocked =
        stateOf(p).step === 'done'
          ? null
          : v.sold_at
            ? 'Ce véhicule a déjà été déclaré vendu : une nouvelle déclaration de cession n’est pas possible. Si l’acheteur ne fait pas sa demande, contactez l’agence.'
            : v.opposed
              ? 'Une opposition au transfert du certificat d’immatriculation (OTCI) empêche la vente de ce véhicule tant qu’elle n’est pas levée. Le certificat de situation administrative (CSA) en indique l’origine.'
              : null;
      return { plate: v.plate, holder: v.kind === 'natural' ? `${v.given_names} ${v.birth_name}` : (v.company_name ?? ''), blocked };
    },

    /** "Pour commencer" and "Documents nécessaires": move on once read. */
    async advance(p: VehicleProcedure, from: 'start' | 'documents'): Promise<void> {
      const sale = stateOf(p);
      if (sale.step !== from) return;
      await save(p, { ...sale, step: from === 'start' ? 'documents' : 'declaration' });
    },

    buyerKind,

    /**
     * Whether a page can be shown now: every page up to the furthest tab reached (the declaration's
     * fields once the buyer's kind is chosen); once the sale is declared, only its last page.
     */
    canShow(p: VehicleProcedure, page: SalePage): boolean {
      const sale = stateOf(p);
      const reached = SALE_STEPS.indexOf(sale.step);
      if (sale.step === 'done') return page === 'done';
      switch (page) {
        case 'start':
          return true;
        case 'documents':
          return reached >= SALE_STEPS.indexOf('documents');
        case 'buyer':
          return reached >= SALE_STEPS.indexOf('declaration');
        case 'declaration':
          return reached >= SALE_STEPS.indexOf('declaration') && buyerKind(p) !== undefined;
        case 'summary':
          return reached >= SALE_STEPS.indexOf('summary') && !!sale.declaration;
        case 'done':
          return false;
      }
    },

    /** The first page not finished yet: where "Reprendre" and an unreachable address lead. */
    currentPage(p: VehicleProcedure): SalePage {
      const sale = stateOf(p);
      if (sale.step === 'declaration') return buyerKind(p) ? 'declaration' : 'buyer';
      return sale.step;
    },

    /**
     * Saves the buyer's kind; another kind than the declared one sends the declaration back to be
     * completed. Returns the procedure as saved (no need to read it again).
     */
    async chooseBuyer(p: VehicleProcedure, kind: string | undefined): Promise<Outcome<VehicleProcedure>> {
      if (kind !== 'natural' && kind !== 'legal') return { ok: false, errors: { buyer_kind: 'Indiquez si l’acheteur est une personne physique ou une personne morale' } };
      const sale = stateOf(p);
      if (SALE_STEPS.indexOf(sale.step) < SALE_STEPS.indexOf('declaration') || sale.step === 'done') return { ok: true, value: p };
      const changed = sale.declaration && sale.declaration.buyer_kind !== kind;
      const chosen: SaleState = { ...sale, step: changed ? 'declaration' : sale.step, draft: { ...(sale.draft ?? {}), buyer_kind: kind } };
      await save(p, chosen);
      return { ok: true, value: { ...p, data: { ...(p.data as object), sale: chosen } as VehicleProcedure['data'] } };
    },

    /** "Reprendre plus tard": what was typed is saved as it is, unchecked. */
    async saveDraft(p: VehicleProcedure, input: Record<string, unknown>): Promise<void> {
      const sale = stateOf(p);
      if (sale.step === 'done') return;
      await save(p, { ...sale, draft: { ...(sale.draft ?? {}), ...draftOf(input) } });
    },

    async declare(p: VehicleProcedure, input: Record<string, unknown>): Promise<Outcome<null>> {
      const sale = stateOf(p);
      const typed = { ...draftOf(input) };
      typed.buyer_kind ??= buyerKind(p) ?? '';
      const draft = { ...(sale.draft ?? {}), ...typed };
      const parsed = validateDeclaration(typed);
      if (!parsed.ok) {
        await save(p, { ...sale, draft }); // kept even when refused: nothing typed is lost
        return { ok: false, errors: parsed.errors };
      }
      const vehicle = await db.selectFrom('vehicles').select('certificate_date').where('id', '=', p.vehicle_id).executeTakeFirstOrThrow();
      if (parsed.data.sale_date < vehicle.certificate_date.toISOString().slice(0, 10))
      {
        await save(p, { ...sale, draft });
        return { ok: false, errors: { sale_date: 'La vente ne peut pas précéder la date du certificat d’immatriculation actuel' } };
      }
      await save(p, { ...sale, step: 'summary', declaration: parsed.data, draft });
      return { ok: true, value: null };
    },

    summary: async (p: VehicleProcedure) => {
      const sale = stateOf(p);
      return sale.declaration ? documentContent(p, sale.declaration) : null;
    },

    /**
     * Confirms the sale in one transaction: the vehicle is marked sold, the code de cession is made
     * (returned once, stored hashed), the certificate of sale and the CSA are issued. Their PDFs and
     * the accusé's are drawn first, outside the transaction, once: each one's size is recorded with
     * it, so the last page states them without drawing anything (and the downloads give those bytes).
     * The three drawings are kept a few minutes by this process (issued-documents.ts): the seller's
     * downloads right after are served from them, not drawn again.
     */
    async confirm(p: VehicleProcedure, actor: Actor): Promise<Outcome<{ code: string }>> {
      const sale = stateOf(p);
      if (sale.step !== 'summary' || !sale.declaration) return { ok: false, errors: { form: 'La déclaration n’est pas complète.' } };
      const content = await documentContent(p, sale.declaration);
      const issued = await Promise.all((['certificat_cession', 'csa'] as const).map((kind) => prepareIssuedDocument(kind, content, { procedureId: p.id, plate: content.plate, publicUrl: config.publicUrl })));
      const certificate = issued[0]!;
      const receiptBytes = (await renderSaleReceipt({ token: certificate.row.token, content: certificate.content }, config.publicUrl)).length;
      const code = newCessionCode();
      const result = await db.transaction().execute(async (trx) => {
        // sold only if unsold and under no opposition, in one statement; which one failed is asked only then
        const sold = await trx
          .updateTable('vehicles as v')
          .set({ sold_at: new Date(content.saleAt) })
          .where('v.id', '=', p.vehicle_id)
          .where('v.sold_at', 'is', null)
          .where(({ not, exists, selectFrom }) => not(exists(selectFrom('vehicle_encumbrances as e').select('e.id').whereRef('e.vehicle_id', '=', 'v.id').where('e.lifted_at', 'is', null).where('e.kind', '!=', 'gage'))))
          .executeTakeFirst();
        if (Number(sold.numUpdatedRows) !== 1) {
          const unsold = await trx.selectFrom('vehicles').select('id').where('id', '=', p.vehicle_id).where('sold_at', 'is', null).executeTakeFirst();
          if (unsold) throw new Error('opposition');
          return false;
        }
        await trx
          .insertInto('cession_codes')
          .values({ vehicle_id: p.vehicle_id!, procedure_id: p.id, code_hash: hashCode(code), expires_at: sql<Date>`now() + make_interval(days => ${CESSION_CODE_VALID_DAYS})` })
          .execute();
        await trx.insertInto('issued_documents').values(issued.map((d) => d.row)).execute();
        const moved = await applyTransition(trx, config, p, 'complete_free', actor, {
          set: { data: JSON.stringify({ ...(p.data as object), sale: { ...sale, step: 'done', receiptBytes } }) },
          alsoAudit: [{ action: 'vehicle.sale_declared', subject: { kind: 'vehicle', id: p.vehicle_id! }, details: { procedure: p.file_number, buyer_kind: sale.declaration!.buyer_kind } }],
        });
        if (!moved.ok) throw new TransitionRefused(); // the vehicle stays unsold, no code, no document
        return true;
      }).catch((error: Error) => {
        if (error.message === 'opposition') return 'opposition' as const;
        if (error instanceof TransitionRefused) return 'changed' as const;
        throw error;
      });
      if (result === 'opposition') return { ok: false, errors: { form: 'Une opposition au transfert du certificat d’immatriculation empêche la vente.' } };
      if (result === 'changed') return { ok: false, errors: { form: 'Cette démarche a changé entre-temps (abandonnée ou déjà déclarée) : rechargez la page.' } };
      if (!result) return { ok: false, errors: { form: 'Ce véhicule a déjà été déclaré vendu.' } };
      // the seller's other open requests on the vehicle (a duplicate, a change of address) can never go on
      await closeRequestsEndedBySale(db, config, p.vehicle_id!, p.id);
      return { ok: true, value: { code } };
    },

    /** The documents issued for the procedure, with what they state (their PDFs are drawn from it) and their size. */
    documents: (p: VehicleProcedure) => db.selectFrom('issued_documents').select(['token', 'kind', 'content', 'pdf_bytes']).where('procedure_id', '=', p.id).orderBy('kind').execute(),

    /** The size of a document already read (`documents`): recorded when issued (measured once for a document issued before). */
    documentSize: (doc: { kind: IssuedDocumentKind; token: string; content: unknown; pdf_bytes: number | null }): Promise<number | null> => issuedDocumentSize(doc, config.publicUrl),

    /** A document's PDF, for its owner (the procedure's account). */
    async pdf(account: Account, fileNumber: string, kind: IssuedDocumentKind): Promise<Buffer | null> {
      const p = await load(account, fileNumber);
      if (!p) return null;
      const doc = await db.selectFrom('issued_documents').selectAll().where('procedure_id', '=', p.id).where('kind', '=', kind).executeTakeFirst();
      if (!doc) return null;
      return renderIssuedDocument(doc, config.publicUrl); // the drawing of the confirmation when it is still kept
    },

    /** The public verification page: what the document states, without personal data beyond what it shows. */
    verify: (token: string) =>
      /^[A-Za-z0-9_-]{22}$/.test(token) ? db.selectFrom('issued_documents').select(['kind', 'plate', 'issued_at', 'content']).where('token', '=', token).executeTakeFirst() : Promise.resolve(undefined),

    hashCode,
    hashSpelling,
    codeHashes,
  };
}
export type SaleService = ReturnType<typeof createSaleService>;
