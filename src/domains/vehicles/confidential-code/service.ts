import type { Actor } from '../../../platform/audit.ts';
import { audit } from '../../../platform/audit.ts';
import type { Db } from '../../../platform/db/database.ts';
import { formatDate, formatDateTime } from '../../../platform/format-date.ts';
import { addressBlock } from '../../../platform/letters/address.ts';
import { queueLetter } from '../../../platform/letters/letters.ts';
import { queueMessage } from '../../../platform/mail/messages.ts';
import type { Account } from '../../../schema.ts';
import { zodErrors, type Outcome } from '../../accounts/service.ts';
import type { VehicleDeps } from '../deps.ts';
import { guess, guessesLeft, LETTER_INTERVAL_DAYS, VEHICLE_GUESS_CAP, VEHICLE_SUSPENSION_HOURS, wrongCodeMessage } from '../procedures/guess-limits.ts';
import { holderOf, ownOpenProcedure, ownProcedure } from '../procedures/lookup.ts';
import { canApply } from '../procedures/model.ts';
import { codeDelivery, PROCEDURE_LABELS } from '../procedures/requirements.ts';
import { applyTransition } from '../procedures/transitions.ts';
import { alreadyOpen, holderLink, isOpenSlotTaken, isOwnAccount, NOT_AVAILABLE } from '../registry/ownership.ts';
import { holderAddress } from '../registry/holder-address.ts';
import { soldRefusal } from '../registry/sold.ts';
import type { Vehicle, VehicleHolder } from '../tables.ts';
import { confidentialCodeMatches, hashConfidentialCode, isCodeShape, newConfidentialCode } from './code.ts';
import { codeRequestSchema, isHolderIdentity, missingIdentityFields, PREVIOUS_CODE_DAYS } from './model.ts';

/** The confidential code's use cases: entering it (the procedure moves on), asking a new one for the holder. */

const LETTER_SIGNATURE = '\n\nL’Agence nationale des titres sécurisés';

/**
 * The confidential code. Every try counts against the account and the address (guess-limits.ts),
 * never against the holder: a vehicle is only suspended — for others than the holder's own
 * account — after VEHICLE_GUESS_CAP wrong codes from anywhere, and the holder is told.
 */
export async function enterCode(
  deps: Pick<VehicleDeps, 'db' | 'config'>,
  account: Account, fileNumber: string, code: string, actor: Actor): Promise<Outcome<null> | { ok: false; locked: Date } | { ok: false; throttled: Date } | { ok: false; conflict: string; resume?: string }> {
  const { db, config } = deps;
  const procedure = await ownProcedure(db, account, fileNumber);
  if (!procedure || !canApply(procedure.status, 'code_verified')) return { ok: false, errors: { code: 'Cette démarche n’attend pas de code confidentiel.' } };
  const trimmed = code.trim();
  if (!isCodeShape(trimmed)) return { ok: false, errors: { code: 'Le code confidentiel comporte 5 chiffres' } };
  const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', procedure.vehicle_id).executeTakeFirstOrThrow();
  const holder = await holderOf(db, vehicle);
  const own = await isOwnAccount(db, account, holder);
  const stored = await db.selectFrom('confidential_codes').selectAll().where('vehicle_id', '=', vehicle.id).executeTakeFirst();
  if (!own && stored?.locked_until && stored.locked_until > new Date()) return { ok: false, locked: stored.locked_until };
  // The code the holder had before someone else asked a new one stays valid until the new one is used.
  let current = false;
  const attempt = await guess(db, account, actor, { own }, () => {
    current = !!stored && confidentialCodeMatches(config.sessionSecret, stored.code_hash, vehicle.id, vehicle.certificate_number, trimmed);
    const previous =
      !current && !!stored?.previous_code_hash && !!stored.previous_valid_until && stored.previous_valid_until > new Date() &&
      confidentialCodeMatches(config.sessionSecret, stored.previous_code_hash, vehicle.id, vehicle.certificate_number, trimmed);
    return current || previous;
  });
  if (!attempt.admitted) return { ok: false, throttled: attempt.lockedUntil };
  if (!attempt.right) {
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
  // Possession proven: now, and only now, a vehicle declared sold is told — and the request, which
  // can never go on, is abandoned rather than left among the drafts (registry/sold.ts).
  const sold = soldRefusal(procedure.kind, vehicle);
  const moved = await db
    .transaction()
    .execute(async (trx) => {
      await trx
        .updateTable('confidential_codes')
        .set({ failed_attempts: 0, ...(current ? { previous_code_hash: null, previous_valid_until: null } : {}) })
        .where('vehicle_id', '=', vehicle.id)
        .execute();
      if (sold) {
        await applyTransition(trx, config, procedure, 'sold_refused', actor, { alsoAudit: [{ action: 'confidential_code.verified', subject: { kind: 'vehicle_procedure', id: procedure.id } }] });
        return 'sold' as const;
      }
      const result = await applyTransition(trx, config, procedure, 'code_verified', actor, {
        set: { code_verified: true, claimed: procedure.kind !== 'complementary' },
        alsoAudit: [{ action: 'confidential_code.verified', subject: { kind: 'vehicle_procedure', id: procedure.id } }],
      });
      return result.ok;
    })
    .catch((error: unknown) => {
      if (isOpenSlotTaken(error)) return 'taken' as const;
      throw error;
    });
  if (moved === 'sold') return { ok: false, conflict: sold! };
  if (moved === 'taken') {
    // Refused: this request can never go on, so it is abandoned rather than left among the drafts.
    await db.transaction().execute((trx) => applyTransition(trx, config, procedure, 'cancel', actor, { details: { reason: 'vehicle_taken' } }));
    const mine = await ownOpenProcedure(db, account, vehicle.id, procedure.kind);
    return { ok: false, conflict: alreadyOpen(PROCEDURE_LABELS[procedure.kind]), resume: mine?.file_number };
  }
  return { ok: true, value: null };
}

/**
 * "Demander un nouveau code": the holder's identity is asked (it counts as a guess), then a new
 * code travels to the holder only — a letter to the registered address, at most one a month, and
 * an email to the holder's own account (the code if it is certified, else a notice).
 */
export async function requestNewCode(
  deps: Pick<VehicleDeps, 'db' | 'config'>,
  account: Account,
  fileNumber: string,
  input: Record<string, unknown>,
  actor: Actor,
): Promise<Outcome<{ email: 'code' | 'notice' | null }> | { ok: false; throttled: Date }> {
  const { db, config } = deps;
  const procedure = await ownProcedure(db, account, fileNumber);
  if (!procedure || procedure.status !== 'awaiting_code') return { ok: false, errors: { form: 'Cette démarche n’attend pas de code confidentiel.' } };
  const parsed = codeRequestSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', procedure.vehicle_id).executeTakeFirstOrThrow();
  const holder = await holderOf(db, vehicle);
  const d = parsed.data;
  if (holder.kind === 'natural') {
    const missing = missingIdentityFields(d);
    if (Object.keys(missing).length) return { ok: false, errors: missing };
  }
  const link = await holderLink(db, account, holder);
  if (procedure.initiator === 'self' && !link) return { ok: false, errors: { form: NOT_AVAILABLE } };
  const attempt = await guess(db, account, actor, { own: await isOwnAccount(db, account, holder) }, () => isHolderIdentity(d, holder));
  if (!attempt.admitted) return { ok: false, throttled: attempt.lockedUntil };
  if (!attempt.right) {
    await audit(db, actor, 'confidential_code.request_refused', { kind: 'vehicle', id: vehicle.id });
    return { ok: false, errors: { birth_name: 'Ces informations ne correspondent pas au titulaire inscrit sur la carte grise. Vérifiez-les.' } };
  }
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


function previousTitleBlock(address: string): string[] {
  const parts = address.split(',').map((p) => p.trim());
  const last = parts.pop() ?? '';
  const m = /^(\d{5})\s+(.+)$/.exec(last);
  return m ? addressBlock(parts, m[1]!, m[2]!) : addressBlock(parts, '', last);
}

