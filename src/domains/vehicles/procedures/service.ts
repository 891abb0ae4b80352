import { randomInt } from 'node:crypto';
import type { Config } from '../../../config.ts';
import { audit, type Actor } from '../../../platform/audit.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { Account } from '../../../schema.ts';
import { addressBlock } from '../../../platform/letters/address.ts';
import { queueLetter } from '../../../platform/letters/letters.ts';
import { queueMessage } from '../../../platform/mail/messages.ts';
import { formatDate, formatDateTime } from '../../../ui/format.ts';
import { unreadCounts } from '../../instruction/threads.ts';
import { zodErrors, type FieldErrors, type Outcome } from '../../accounts/service.ts';
import { confidentialCodeMatches, hashConfidentialCode, isCodeShape, newConfidentialCode } from '../confidential-code/code.ts';
import { guessesLeft, LETTER_INTERVAL_DAYS, startGuess, VEHICLE_GUESS_CAP, VEHICLE_SUSPENSION_HOURS, wrongCodeMessage } from './guess-limits.ts';
import { checkPlate } from '../registry/identifiers.ts';
import { canApply, codeRequestSchema, missingIdentityFields, newFileNumber, sameName, startSchema, STATUS_GROUPS } from './model.ts';
import { alreadyOpen, holderChangeRefusal, holderLink, isOpenSlotTaken, isOwnAccount, NOT_AVAILABLE } from '../registry/ownership.ts';
import { applyTransition } from './transitions.ts';
import { codeDelivery, PROCEDURE_LABELS, requirementsFor } from './requirements.ts';
import type { IssuedDocumentKind, ProcedureKind, Vehicle, VehicleHolder, VehicleProcedure } from '../tables.ts';

const LETTER_SIGNATURE = '\n\nL’Agence nationale des titres sécurisés';
/** How long the code before a reissue asked by someone not proven the holder stays valid (until the new one is used). */
const PREVIOUS_CODE_DAYS = 30;

/** Vehicle procedures: starting one, the confidential code (entry, lock, new code by email and letter). */
export function createVehiclesService(deps: { db: Db; config: Config }) {
  const { db, config } = deps;

  const holderOf = (vehicle: Vehicle) => db.selectFrom('vehicle_holders').selectAll().where('id', '=', vehicle.holder_id).executeTakeFirstOrThrow();

  async function procedureOf(account: Account, fileNumber: string) {
    return db.selectFrom('vehicle_procedures').selectAll().where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst();
  }

  /**
   * A new procedure, once per idempotency key (a double click on "Commencer la démarche" returns
   * the same file): a file number, the row, the audit entry, in one transaction.
   */
  async function createProcedure(
    account: Account,
    input: Record<string, unknown>,
    actor: Actor,
    p: { kind: ProcedureKind; initiator: 'self' | 'other'; vehicleId: number | null; needsCode: boolean; claimed?: boolean; data: Record<string, unknown>; audited: Record<string, unknown> },
  ): Promise<Outcome<{ fileNumber: string }>> {
    const key = typeof input.idempotency_key === 'string' && input.idempotency_key ? input.idempotency_key.slice(0, 64) : null;
    const earlier = () =>
      key ? db.selectFrom('vehicle_procedures').select('file_number').where('account_id', '=', account.id).where('idempotency_key', '=', key).executeTakeFirst() : undefined;
    const before = await earlier(); // one index lookup (account_id, idempotency_key)
    if (before) return { ok: true, value: { fileNumber: before.file_number } };
    const fileNumber = newFileNumber(randomInt);
    const created = await db.transaction().execute(async (trx) => {
      // Two submits at once: the unique index makes the second wait for the first and insert nothing.
      const row = await trx
        .insertInto('vehicle_procedures')
        .values({
          file_number: fileNumber,
          account_id: account.id,
          kind: p.kind,
          initiator: p.initiator,
          vehicle_id: p.vehicleId,
          status: p.needsCode ? 'awaiting_code' : 'in_progress',
          code_verified: !p.needsCode,
          claimed: p.claimed ?? false,
          data: JSON.stringify(p.data),
          idempotency_key: key,
          updated_at: new Date(),
        })
        .onConflict((oc) => oc.columns(['account_id', 'idempotency_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!row) return 'replayed' as const;
      await audit(trx, actor, 'vehicle_procedure.started', { kind: 'vehicle_procedure', id: row.id }, p.audited);
      return 'created' as const;
    }).catch((error: unknown) => {
      if (isOpenSlotTaken(error)) return 'slot_taken' as const;
      throw error;
    });
    if (created === 'slot_taken') {
      // the same form submitted twice at once may also meet its own first request's slot
      const first = await earlier();
      if (first) return { ok: true, value: { fileNumber: first.file_number } };
      return { ok: false, errors: { plate: alreadyOpen(PROCEDURE_LABELS[p.kind]) } };
    }
    if (created === 'replayed') return { ok: true, value: { fileNumber: (await earlier())!.file_number } };
    return { ok: true, value: { fileNumber } };
  }

  /** "Je souhaite faire une autre demande" (TPC): certified accounts only; the plate, if any, comes in part 1. */
  async function startComplementary(account: Account, input: Record<string, unknown>, actor: Actor): Promise<Outcome<{ fileNumber: string }>> {
    const initiator = input.initiator === 'self' || input.initiator === 'other' ? input.initiator : null;
    if (!account.certified) return { ok: false, errors: { kind: 'La téléprocédure complémentaire est réservée aux comptes certifiés : connectez-vous avec FranceConnect' } };
    if (!initiator) return { ok: false, errors: { initiator: 'Indiquez pour qui vous faites la démarche' } };
    return createProcedure(account, input, actor, {
      kind: 'complementary',
      initiator,
      vehicleId: null,
      needsCode: false,
      data: { tpc: { step: 'category' } },
      audited: { kind: 'complementary', initiator },
    });
  }

  return {
    async list(account: Account) {
      const rows = await db
        .selectFrom('vehicle_procedures')
        .leftJoin('vehicles', 'vehicles.id', 'vehicle_procedures.vehicle_id')
        .select(['vehicle_procedures.id', 'vehicle_procedures.file_number', 'vehicle_procedures.kind', 'vehicle_procedures.status', 'vehicle_procedures.updated_at', 'vehicles.plate'])
        .where('vehicle_procedures.account_id', '=', account.id)
        .orderBy('vehicle_procedures.updated_at', 'desc')
        .limit(200)
        .execute()
        .then(async (found) => {
          const unread = await unreadCounts(db, 'vehicle_procedure', found.map((r) => r.id), 'user');
          return found.map((r) => ({ ...r, unread: unread.get(r.id) ?? 0 }));
        });
      return Object.fromEntries(
        Object.entries(STATUS_GROUPS).map(([key, group]) => [key, rows.filter((r) => (group.statuses as readonly string[]).includes(r.status))]),
      ) as Record<keyof typeof STATUS_GROUPS, typeof rows>;
    },

    procedure: procedureOf,

    /** "Ajouter une demande": who for, which plate; applies the slides' matrix. */
    async start(account: Account, input: Record<string, unknown>, actor: Actor): Promise<Outcome<{ fileNumber: string }>> {
      if (input.kind === 'complementary') return startComplementary(account, input, actor);
      const parsed = startSchema.safeParse(input);
      const errors: FieldErrors = parsed.success ? {} : zodErrors(parsed.error);
      const plate = checkPlate(String(input.plate ?? ''));
      if (!plate.ok) errors.plate = plate.message;
      if (!parsed.success || !plate.ok || Object.keys(errors).length) return { ok: false, errors };
      const { kind, initiator } = parsed.data;
      const accountKind = account.certified ? 'certified' : 'ants';
      const needs = requirementsFor(kind, accountKind, initiator);
      if (!needs) return { ok: false, errors: { kind: 'Le changement de titulaire est réservé aux comptes certifiés : connectez-vous avec FranceConnect' } };
      const vehicle = await db.selectFrom('vehicles').selectAll().where('plate', '=', plate.plate).executeTakeFirst();
      if (!vehicle) return { ok: false, errors: { plate: NOT_AVAILABLE } };
      const holder = await holderOf(vehicle);
      const link = await holderLink(db, account, holder);
      // "Pour moi-même" means "I am the holder" — except for a change of holder, where I am the buyer.
      const refusal = kind === 'holder_change' ? holderChangeRefusal(account, link, initiator) : null;
      if (refusal) return { ok: false, errors: { plate: refusal } };
      const asHolder = kind !== 'holder_change' && initiator === 'self';
      if (asHolder && !link) return { ok: false, errors: { plate: NOT_AVAILABLE } };
      // A holder whose identity is only declared (uncertified account) proves possession by the code.
      const needsCode = needs.confidentialCode || (asHolder && link !== 'proven');
      // Sold, opposition: told only to whoever has proven possession; the others learn it after the code.
      if (kind === 'sale_declaration' && !needsCode) {
        if (vehicle.sold_at) return { ok: false, errors: { plate: 'Ce véhicule a déjà été déclaré vendu' } };
        const blocking = await db.selectFrom('vehicle_encumbrances').select('kind').where('vehicle_id', '=', vehicle.id).where('lifted_at', 'is', null).where('kind', '!=', 'gage').executeTakeFirst();
        if (blocking) return { ok: false, errors: { plate: 'Une opposition au transfert du certificat d’immatriculation (OTCI) empêche la vente de ce véhicule tant qu’elle n’est pas levée' } };
      }
      return createProcedure(account, input, actor, {
        kind,
        initiator,
        vehicleId: vehicle.id,
        needsCode,
        // possession proven at once (the holder's certified account): the procedure holds the vehicle's slot
        claimed: !needsCode && kind !== 'holder_change',
        data: { requirements: { ...needs, confidentialCode: needsCode } },
        audited: { kind, initiator, plate: vehicle.plate },
      });
    },

    /**
     * The confidential code. Every try counts against the account and the address (guess-limits.ts),
     * never against the holder: a vehicle is only suspended — for others than the holder's own
     * account — after VEHICLE_GUESS_CAP wrong codes from anywhere, and the holder is told.
     */
    async enterCode(account: Account, fileNumber: string, code: string, actor: Actor): Promise<Outcome<null> | { ok: false; locked: Date } | { ok: false; throttled: Date } | { ok: false; conflict: string }> {
      const procedure = await procedureOf(account, fileNumber);
      if (!procedure || !canApply(procedure.status, 'code_verified')) return { ok: false, errors: { code: 'Cette démarche n’attend pas de code confidentiel.' } };
      const trimmed = code.trim();
      if (!isCodeShape(trimmed)) return { ok: false, errors: { code: 'Le code confidentiel comporte 5 chiffres' } };
      const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', procedure.vehicle_id).executeTakeFirstOrThrow();
      const holder = await holderOf(vehicle);
      const own = await isOwnAccount(db, account, holder);
      const stored = await db.selectFrom('confidential_codes').selectAll().where('vehicle_id', '=', vehicle.id).executeTakeFirst();
      if (!own && stored?.locked_until && stored.locked_until > new Date()) return { ok: false, locked: stored.locked_until };
      const attempt = await startGuess(db, account, actor, { own });
      if (!attempt.admitted) return { ok: false, throttled: attempt.lockedUntil! };
      const current = !!stored && confidentialCodeMatches(config.sessionSecret, stored.code_hash, vehicle.id, vehicle.certificate_number, trimmed);
      // The code the holder had before someone else asked a new one stays valid until the new one is used.
      const previous =
        !current && !!stored?.previous_code_hash && !!stored.previous_valid_until && stored.previous_valid_until > new Date() &&
        confidentialCodeMatches(config.sessionSecret, stored.previous_code_hash, vehicle.id, vehicle.certificate_number, trimmed);
      const good = current || previous;
      if (!good) {
        await attempt.failed(db);
        await db.transaction().execute(async (trx) => {
          const row = await trx
            .updateTable('confidential_codes')
            .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
            .where('vehicle_id', '=', vehicle.id)
            .returning(['failed_attempts', 'cap_letter_at'])
            .executeTakeFirst();
          await audit(trx, actor, 'confidential_code.failed', { kind: 'vehicle', id: vehicle.id }, { procedure: procedure.file_number });
          if (row && row.failed_attempts >= VEHICLE_GUESS_CAP) await suspendCodeEntry(trx, vehicle, holder, row.cap_letter_at, actor);
        });
        // how many tries are left before a wait, or until when this wrong code makes the account wait
        return { ok: false, errors: { code: wrongCodeMessage(attempt.lockedUntil ? { until: attempt.lockedUntil } : { left: await guessesLeft(db, account, actor, { own }) }) } };
      }
      await attempt.succeeded(db);
      const moved = await db
        .transaction()
        .execute(async (trx) => {
          await trx
            .updateTable('confidential_codes')
            .set({ failed_attempts: 0, ...(current ? { previous_code_hash: null, previous_valid_until: null } : {}) })
            .where('vehicle_id', '=', vehicle.id)
            .execute();
          const result = await applyTransition(trx, config, procedure, 'code_verified', actor, { set: { code_verified: true, claimed: procedure.kind !== 'complementary' } });
          if (result.ok) await audit(trx, actor, 'confidential_code.verified', { kind: 'vehicle_procedure', id: procedure.id });
          return result.ok;
        })
        .catch((error: unknown) => {
          if (isOpenSlotTaken(error)) return 'taken' as const;
          throw error;
        });
      if (moved === 'taken') return { ok: false, conflict: alreadyOpen(PROCEDURE_LABELS[procedure.kind]) };
      return { ok: true, value: null };
    },

    /**
     * "Demander un nouveau code": the holder's identity is asked (it counts as a guess), then a new
     * code travels to the holder only — a letter to the registered address, at most one a month, and
     * an email to the holder's own account (the code if it is certified, else a notice).
     */
    async requestNewCode(
      account: Account,
      fileNumber: string,
      input: Record<string, unknown>,
      actor: Actor,
    ): Promise<Outcome<{ email: 'code' | 'notice' | null }> | { ok: false; throttled: Date }> {
      const procedure = await procedureOf(account, fileNumber);
      if (!procedure || procedure.status !== 'awaiting_code') return { ok: false, errors: { form: 'Cette démarche n’attend pas de code confidentiel.' } };
      const parsed = codeRequestSchema.safeParse(input);
      if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
      const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', procedure.vehicle_id).executeTakeFirstOrThrow();
      const holder = await holderOf(vehicle);
      const d = parsed.data;
      if (holder.kind === 'natural') {
        const missing = missingIdentityFields(d);
        if (Object.keys(missing).length) return { ok: false, errors: missing };
      }
      const link = await holderLink(db, account, holder);
      if (procedure.initiator === 'self' && !link) return { ok: false, errors: { form: NOT_AVAILABLE } };
      const attempt = await startGuess(db, account, actor, { own: await isOwnAccount(db, account, holder) });
      if (!attempt.admitted) return { ok: false, throttled: attempt.lockedUntil! };
      const matches =
        holder.kind === 'natural'
          ? sameName(d.birth_name, holder.birth_name) && sameName(d.given_names!.split(' ')[0]!, holder.given_names!.split(' ')[0]!) && d.birth_date === holder.birth_date?.toISOString().slice(0, 10) && sameName(d.birth_place ?? '', holder.birth_place)
          : sameName(d.birth_name, holder.company_name);
      if (!matches) {
        await attempt.failed(db);
        await audit(db, actor, 'confidential_code.request_refused', { kind: 'vehicle', id: vehicle.id });
        return { ok: false, errors: { birth_name: 'Ces informations ne correspondent pas au titulaire inscrit sur la carte grise. Vérifiez-les.' } };
      }
      await attempt.succeeded(db);
      const stored = await db.selectFrom('confidential_codes').select('code_letter_at').where('vehicle_id', '=', vehicle.id).executeTakeFirst();
      const since = stored?.code_letter_at;
      if (since && since.getTime() > Date.now() - LETTER_INTERVAL_DAYS * 86_400_000) {
        await audit(db, actor, 'confidential_code.request_already_sent', { kind: 'vehicle', id: vehicle.id }, { procedure: procedure.file_number });
        return {
          ok: false,
          errors: {
            form: `Un courrier contenant un nouveau code confidentiel a déjà été envoyé au titulaire le ${formatDate(since)} : il arrive en quelques jours. Un seul courrier est envoyé par mois ; votre démarche vous attend dans « Mon espace véhicule » jusqu’à la saisie du code.`,
          },
        };
      }
      // The requester's own account when it is the holder's, else the account the registry links to the holder.
      const linked = !link && holder.account_id ? await db.selectFrom('accounts').selectAll().where('id', '=', holder.account_id).where('status', '=', 'active').executeTakeFirst() : undefined;
      const target = link ? { account, link } : linked ? { account: linked, link: linked.certified ? ('proven' as const) : ('declared' as const) } : null;
      const delivery = codeDelivery({ link: target?.link ?? null, longTermLease: vehicle.long_term_lease });
      const addressed = target ? { accountId: target.account.id, link: `${config.publicUrl}${target.account.id === account.id ? `/vehicules/demandes/${procedure.file_number}` : '/vehicules'}` } : {};
      const code = newConfidentialCode();
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('confidential_codes')
          .set((eb) => ({
            code_hash: hashConfidentialCode(config.sessionSecret, vehicle.id, vehicle.certificate_number, code),
            // asked by the holder's own certified account: the old code dies now; asked by anyone else,
            // it stays valid until the new one is used (30 days at most), so that asking locks no one out
            previous_code_hash: link === 'proven' ? null : eb.ref('code_hash'),
            previous_valid_until: link === 'proven' ? null : new Date(Date.now() + PREVIOUS_CODE_DAYS * 86_400_000),
            issued_at: new Date(),
            failed_attempts: 0,
            code_letter_at: new Date(),
          }))
          .where('vehicle_id', '=', vehicle.id)
          .execute();
        const replaces =
          link === 'proven'
            ? 'Il remplace le code précédent, qui n’est plus valable.'
            : `Il remplace le code précédent, qui reste valable jusqu’à la première utilisation de ce nouveau code (${PREVIOUS_CODE_DAYS} jours au plus).`;
        const what = `Le code confidentiel du véhicule ${vehicle.plate} est : ${code}\n\n${replaces} Il vous sera demandé pour les démarches en ligne sur ce véhicule.`;
        if (target && delivery.email === 'code')
          await queueMessage(trx, { ...addressed, channel: 'email', to: target.account.email, subject: `Votre nouveau code confidentiel (${vehicle.plate})`, text: `Bonjour,\n\n${what}\n\nIl vous est aussi envoyé par courrier à l’adresse inscrite sur la carte grise.` });
        if (target && delivery.email === 'notice')
          await queueMessage(trx, {
            ...addressed,
            channel: 'email',
            to: target.account.email,
            subject: `Un nouveau code confidentiel vous est envoyé par courrier (${vehicle.plate})`,
            text: `Bonjour,\n\nUn nouveau code confidentiel a été demandé pour le véhicule ${vehicle.plate}. Il est envoyé par courrier à l’adresse du titulaire inscrite sur la carte grise : il arrive en quelques jours. Le code précédent reste valable jusqu’à la première utilisation du nouveau (${PREVIOUS_CODE_DAYS} jours au plus).\n\nVotre compte n’étant pas certifié, le code ne vous est pas envoyé par courriel. Connecté avec FranceConnect, vous n’avez pas besoin de code pour vos propres véhicules.\n\nSi vous n’êtes pas à l’origine de cette demande, vous n’avez rien à faire : le code n’est envoyé qu’au titulaire.`,
          });
        const recipient = delivery.letter === 'previous_title_address' && vehicle.previous_title_address ? previousTitleBlock(vehicle.previous_title_address) : holderAddress(holder);
        await queueLetter(trx, { recipient, subject: `Nouveau code confidentiel du véhicule ${vehicle.plate}`, body: `Madame, Monsieur,\n\nUn nouveau code confidentiel a été demandé en ligne pour le véhicule immatriculé ${vehicle.plate}.\n\n${what}${LETTER_SIGNATURE}`, vehicleId: vehicle.id });
        await audit(trx, actor, 'confidential_code.reissued', { kind: 'vehicle', id: vehicle.id }, { email: delivery.email, to_requester: !!link, letter: delivery.letter, procedure: procedure.file_number });
      });
      return { ok: true, value: { email: link ? delivery.email : null } };
    },

    async cancel(account: Account, fileNumber: string, actor: Actor): Promise<boolean> {
      const procedure = await procedureOf(account, fileNumber);
      if (!procedure || !canApply(procedure.status, 'cancel')) return false;
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('vehicle_procedures').set({ status: 'cancelled', updated_at: new Date() }).where('id', '=', procedure.id).execute();
        await audit(trx, actor, 'vehicle_procedure.cancelled', { kind: 'vehicle_procedure', id: procedure.id });
      });
      return true;
    },

    /** What the procedure page may show: the vehicle, and its holder only once the code (or identity) is proven. */
    issuedDocument: (procedure: VehicleProcedure, kind: IssuedDocumentKind) =>
      db.selectFrom('issued_documents').select(['kind', 'token', 'content']).where('procedure_id', '=', procedure.id).where('kind', '=', kind).orderBy('issued_at', 'desc').executeTakeFirst(),

    async details(procedure: VehicleProcedure, account: Account) {
      const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', procedure.vehicle_id).executeTakeFirstOrThrow();
      const current = await holderOf(vehicle);
      // A change of holder proves the buyer's right, not the holder's: its own pages show the former holder once proven.
      const holder = procedure.code_verified && procedure.kind !== 'holder_change' ? current : null;
      const lock = await db.selectFrom('confidential_codes').select('locked_until').where('vehicle_id', '=', vehicle.id).executeTakeFirst();
      const suspended = procedure.status === 'awaiting_code' && lock?.locked_until && lock.locked_until > new Date() && !(await isOwnAccount(db, account, current)) ? lock.locked_until : null;
      return { vehicle, holder, lockedUntil: suspended, label: PROCEDURE_LABELS[procedure.kind] };
    },
  };
}

/**
 * The per-vehicle last line: after VEHICLE_GUESS_CAP wrong codes from anywhere, code entry is
 * suspended for a day for everyone but the holder's own account; the holder is told by email on
 * that account, or else by letter — at most one a month.
 */
async function suspendCodeEntry(trx: Db, vehicle: Vehicle, holder: VehicleHolder, lastLetter: Date | null, actor: Actor): Promise<void> {
  const until = new Date(Date.now() + VEHICLE_SUSPENSION_HOURS * 3_600_000);
  const account = holder.account_id ? await trx.selectFrom('accounts').select(['id', 'email']).where('id', '=', holder.account_id).where('status', '=', 'active').executeTakeFirst() : undefined;
  const letter = !account && (!lastLetter || lastLetter.getTime() < Date.now() - LETTER_INTERVAL_DAYS * 86_400_000);
  await trx.updateTable('confidential_codes').set({ locked_until: until, failed_attempts: 0, ...(letter ? { cap_letter_at: new Date() } : {}) }).where('vehicle_id', '=', vehicle.id).execute();
  const text = `De nombreux codes confidentiels erronés ont été saisis pour le véhicule ${vehicle.plate}. Par sécurité, la saisie du code est suspendue jusqu’au ${formatDateTime(until)}, sauf depuis votre propre compte. Votre code reste valable. Si vous n’êtes pas à l’origine de ces essais, vous n’avez rien à faire ; avec FranceConnect, aucun code ne vous est demandé pour vos véhicules.`;
  if (account) await queueMessage(trx, { accountId: account.id, channel: 'email', to: account.email, subject: 'Saisie du code confidentiel suspendue', text: `Bonjour,\n\n${text}` });
  else if (letter) await queueLetter(trx, { recipient: holderAddress(holder), subject: `Véhicule ${vehicle.plate} : saisie du code confidentiel suspendue`, body: `Madame, Monsieur,\n\n${text}${LETTER_SIGNATURE}`, vehicleId: vehicle.id });
  await audit(trx, actor, 'confidential_code.locked', { kind: 'vehicle', id: vehicle.id }, { until: until.toISOString(), told: account ? 'email' : letter ? 'letter' : 'none' });
}

/** The holder's registered address as a letter's address block. */
export function holderAddress(holder: VehicleHolder): string[] {
  const name = holder.kind === 'natural' ? `${holder.given_names ?? ''} ${holder.usage_name ?? holder.birth_name ?? ''}` : (holder.company_name ?? '');
  return addressBlock([name, holder.address_line2, holder.address_line1], holder.postcode, holder.commune, holder.country);
}

function previousTitleBlock(address: string): string[] {
  const parts = address.split(',').map((p) => p.trim());
  const last = parts.pop() ?? '';
  const m = /^(\d{5})\s+(.+)$/.exec(last);
  return m ? addressBlock(parts, m[1]!, m[2]!) : addressBlock(parts, '', last);
}

export type VehiclesService = ReturnType<typeof createVehiclesService>;
