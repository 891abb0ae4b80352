import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Account } from '../../schema.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { notifyUser } from '../../platform/notify/notify.ts';
import { parisDay } from '../../platform/time.ts';
import { addressKey, limit, throttle, type ThrottlePolicy } from '../accounts/throttle.ts';
import type { StampService, StampThrottle } from '../stamps/service.ts';
import { addMonths, formatCents } from '../stamps/model.ts';
import {
  addressStep,
  ageOn,
  APPLICATION_NUMBER,
  canMove,
  documentStep,
  DOCUMENT_LABELS,
  feeFor,
  fieldErrors,
  groupNumber,
  identityStep,
  isGuyane,
  newPreApplicationNumber,
  parentsStep,
  parseBirthDate,
  parsePreApplicationNumber,
  STEPS,
  VALIDITY_MONTHS,
  type Fee,
  type Mover,
  type PreApplicationData,
  type PreApplicationStatus,
  type PreApplicationStep,
} from './model.ts';
import type { PreApplication } from './tables.ts';

type Input = Record<string, string | undefined>;
export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/** The daily job that reminds users of a pre-application about to expire. */
export const PRE_APPLICATION_REMINDERS_JOB = 'pre-application-reminders';
/** How long before expiry the reminder is sent. */
export const REMINDER_DAYS = 14;

/** Numbers a town hall (or an IP) may look up in vain before a growing lock. */
export const TOWN_HALL_LOOKUP_POLICY: ThrottlePolicy = { free: 10, maxLockMinutes: 60, onSuccess: 'refund' };

/** What a town hall gets when it looks up a number: the data only when it may see them. */
export type Retrieval =
  | { kind: 'malformed'; error: string }
  | { kind: 'locked'; error: string }
  | { kind: 'unknown'; number: string }
  | { kind: 'expired'; number: string; expiredAt: Date }
  | { kind: 'taken_elsewhere'; number: string; takenAt: Date }
  | { kind: 'open'; p: PreApplication }
  | { kind: 'taken_here'; p: PreApplication };

export const townHallName = (a: Pick<Account, 'organisation_name' | 'commune' | 'email'>): string =>
  a.organisation_name ? `${a.organisation_name}${a.commune ? ` — ${a.commune}` : ''}` : (a.commune ?? a.email);

/** Which steps are filled in: a step can be opened once every step before it is complete. */
export function completeSteps(p: PreApplication): Set<PreApplicationStep> {
  const d = p.data;
  const done = new Set<PreApplicationStep>();
  if (d.forWhom && d.reason) done.add('document');
  if (d.sex && d.birthName && d.givenNames && d.birthDate && d.birthPlace && d.birthCountry) done.add('identity');
  if (d.parent1Name && d.parent1GivenNames) done.add('parents');
  if (d.line1 && d.postcode && d.commune && d.heightCm && d.eyes) done.add('address');
  return done;
}
export function firstIncompleteStep(p: PreApplication): PreApplicationStep {
  const done = completeSteps(p);
  return STEPS.find((s) => !done.has(s)) ?? 'summary';
}
export const canOpenStep = (p: PreApplication, step: PreApplicationStep): boolean => STEPS.indexOf(step) <= STEPS.indexOf(firstIncompleteStep(p));

/** Is a submitted pre-application past its validity? */
export const isExpired = (p: Pick<PreApplication, 'status' | 'expires_at'>, now = new Date()): boolean =>
  p.status === 'submitted' && !!p.expires_at && p.expires_at <= now;

/**
 * Pre-applications for an identity card or a passport: drafted in steps by a signed-in user,
 * submitted with the stamp consumed, then taken by one town hall at the appointment.
 */
export function createPreApplicationService(deps: { db: Db; config: Pick<Config, 'publicUrl'>; stamps: StampService }) {
  const { db, config, stamps } = deps;
  const userLink = (p: Pick<PreApplication, 'id'>) => `${config.publicUrl}/pre-demandes/${p.id}`;
  const retrievalUrl = (number: string) => `${config.publicUrl}/mairie/pre-demandes/${number}`;

  /** The fee, once the document, the reason (and for a passport the birth date) are known. */
  function fee(p: PreApplication, today = parisDay(new Date())): Fee | null {
    const d = p.data;
    if (!d.reason) return null;
    const age = d.birthDate ? ageOn(d.birthDate, today) : null;
    if (p.document === 'passport' && age === null) return null;
    return feeFor(p.document, d.reason, age, isGuyane(d.postcode));
  }

  /**
   * The one way a pre-application changes state: checks the transition and who makes it, writes
   * with a condition on the current state (of two concurrent moves, one wins), audits and
   * notifies, in the caller's transaction. Returns false when the row was no longer in `from`.
   */
  async function transition(
    trx: Db,
    p: PreApplication,
    move: { from: PreApplicationStatus; to: PreApplicationStatus; by: Mover; actor: Actor; set: Record<string, unknown>; guard?: 'not_expired' },
    notice: { subject: string; text: string },
  ): Promise<boolean> {
    if (!canMove(move.from, move.to, move.by)) throw new Error(`pre-application: ${move.from} → ${move.to} by ${move.by} is not allowed`);
    let update = trx
      .updateTable('pre_applications')
      .set({ ...move.set, status: move.to, updated_at: new Date() })
      .where('id', '=', p.id)
      .where('status', '=', move.from);
    if (move.guard === 'not_expired') update = update.where('expires_at', '>', sql<Date>`now()`);
    const row = await update.returning('id').executeTakeFirst();
    if (!row) return false;
    await notifyUser(trx, { accountId: p.account_id, subject: notice.subject, text: notice.text, link: userLink(p), dedupeKey: `pre-application:${p.id}:${move.to}` });
    await audit(trx, move.actor, `pre_application.${move.to}`, { kind: 'pre_application', id: p.id }, { ...(move.set.number ? { number: move.set.number } : {}), by: move.by });
    return true;
  }

  async function byNumber(number: string) {
    return db.selectFrom('pre_applications').selectAll().where('number', '=', number).executeTakeFirst();
  }

  return {
    fee,
    retrievalUrl,

    /** Enqueues today's reminder run, once per day across nodes (dedupe key). */
    async enqueueDailyReminders(now = new Date()): Promise<void> {
      const day = parisDay(now);
      await enqueue(db, PRE_APPLICATION_REMINDERS_JOB, { day }, { dedupeKey: `pre-application-reminders-${day}` });
    },

    /** Emails the owner of each submitted pre-application that expires within 14 days, once. */
    async remindExpiring(now = new Date()): Promise<number> {
      const soon = new Date(now.getTime() + REMINDER_DAYS * 86_400_000);
      const due = await db.selectFrom('pre_applications').selectAll().where('status', '=', 'submitted').where('expires_at', '>', now).where('expires_at', '<=', soon).execute();
      for (const p of due) {
        const label = DOCUMENT_LABELS[p.document].toLowerCase();
        const until = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' }).format(p.expires_at!);
        await db.transaction().execute((trx) =>
          notifyUser(trx, {
            accountId: p.account_id,
            subject: `Votre pré-demande de ${label} expire bientôt`,
            text: `Votre pré-demande de ${label} n° ${groupNumber(p.number!)} n’est valable que jusqu’au ${until}. Déposez votre dossier dans une mairie équipée d’un dispositif de recueil avant cette date ; passé ce délai, il faudra faire une nouvelle pré-demande.`,
            link: userLink(p),
            dedupeKey: `pre-application:${p.id}:reminder`, // one reminder per pre-application, whatever the days
          }),
        );
      }
      return due.length;
    },

    async list(accountId: number): Promise<PreApplication[]> {
      return db.selectFrom('pre_applications').selectAll().where('account_id', '=', accountId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
    },

    /** The user's own pre-application, or null (someone else's id looks like an unknown one). */
    async load(accountId: number, id: number): Promise<PreApplication | null> {
      if (!Number.isSafeInteger(id)) return null;
      return (await db.selectFrom('pre_applications').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst()) ?? null;
    },

    /** Starts a draft; the same idempotency key (a double click) returns the same draft. */
    async start(account: Account, idempotencyKey: string, actor: Actor): Promise<Outcome<{ id: number }>> {
      if (!/^[A-Za-z0-9_-]{16,64}$/.test(idempotencyKey)) return { ok: false, errors: { form: 'Le formulaire a expiré : rechargez la page et recommencez.' } };
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('pre_applications')
          .values({ account_id: account.id, document: 'identity_card', status: 'draft', idempotency_key: idempotencyKey, data: JSON.stringify({}) })
          .onConflict((oc) => oc.column('idempotency_key').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (row) {
          await audit(trx, actor, 'pre_application.started', { kind: 'pre_application', id: row.id });
          return { ok: true, value: { id: row.id } } as const;
        }
        const existing = await trx.selectFrom('pre_applications').select('id').where('idempotency_key', '=', idempotencyKey).where('account_id', '=', account.id).executeTakeFirst();
        return existing ? ({ ok: true, value: { id: existing.id } } as const) : ({ ok: false, errors: { form: 'Le formulaire a expiré : rechargez la page et recommencez.' } } as const);
      });
    },

    /** Validates one step's answers and keeps them; the draft moves on to the next step. */
    async saveStep(p: PreApplication, step: Exclude<PreApplicationStep, 'summary'>, input: Input): Promise<Outcome<null>> {
      if (p.status !== 'draft') return { ok: false, errors: { form: 'Cette pré-demande est déjà validée : elle ne peut plus être modifiée.' } };
      const today = parisDay(new Date());
      let patch: Partial<PreApplicationData>;
      let document = p.document;
      if (step === 'document') {
        const r = documentStep.safeParse(input);
        if (!r.success) return { ok: false, errors: fieldErrors(r.error) };
        document = r.data.document;
        patch = { forWhom: r.data.forWhom, reason: r.data.reason };
      } else if (step === 'identity') {
        const r = identityStep.safeParse(input);
        const birth = parseBirthDate(input.birthDate, today);
        const errors = r.success ? {} : fieldErrors(r.error);
        if (!birth.ok) errors.birthDate = birth.error;
        if (!r.success || !birth.ok) return { ok: false, errors: orderErrors(errors, ['sex', 'birthName', 'usageName', 'givenNames', 'birthDate', 'birthPlace', 'birthCountry']) };
        patch = { ...r.data, birthDate: birth.date };
      } else if (step === 'parents') {
        const r = parentsStep.safeParse(input);
        if (!r.success) return { ok: false, errors: fieldErrors(r.error) };
        if (!!r.data.parent2Name !== !!r.data.parent2GivenNames)
          return { ok: false, errors: { [r.data.parent2Name ? 'parent2GivenNames' : 'parent2Name']: 'Saisissez le nom et les prénoms du second parent, ou laissez les deux champs vides' } };
        patch = r.data;
      } else {
        const r = addressStep.safeParse(input);
        if (!r.success) return { ok: false, errors: fieldErrors(r.error) };
        patch = r.data;
      }
      const data = { ...p.data, ...patch };
      await db.updateTable('pre_applications').set({ document, data: JSON.stringify(data), updated_at: new Date() }).where('id', '=', p.id).where('status', '=', 'draft').execute();
      return { ok: true, value: null };
    },

    /**
     * Submits the draft: the stamp (when one is due) is checked and consumed in the same
     * transaction that gives the number; a double click finds the draft already submitted.
     */
    async submit(p: PreApplication, input: Input, actor: Actor, throttle: StampThrottle): Promise<Outcome<{ number: string }>> {
      if (p.status !== 'draft') return p.number ? { ok: true, value: { number: p.number } } : { ok: false, errors: { form: 'Cette pré-demande est déjà validée.' } };
      if (firstIncompleteStep(p) !== 'summary') return { ok: false, errors: { form: 'La pré-demande n’est pas complète : reprenez les étapes précédentes.' } };
      const due = fee(p)!;
      const errors: Record<string, string> = {};
      const stampNumber = input.stamp ?? '';
      if (due.cents > 0) {
        const checked = await stamps.check(stampNumber, due.cents, { throttle });
        if (!checked.ok) errors.stamp = checked.error;
      }
      if (input.certify !== 'oui') errors.certify = 'Cochez la case pour certifier l’exactitude des informations';
      if (Object.keys(errors).length) return { ok: false, errors };

      const number = newPreApplicationNumber();
      const now = new Date();
      const expiresAt = addMonths(now, VALIDITY_MONTHS);
      const label = DOCUMENT_LABELS[p.document].toLowerCase();
      try {
        const moved = await db.transaction().execute(async (trx) => {
          let stamp: { id: number | null; last4: string | null } = { id: null, last4: null };
          if (due.cents > 0) {
            const used = await stamps.consume(trx, stampNumber, { amountCents: due.cents, usage: `Pré-demande ${number} (${label})` });
            if (!used.ok) throw new StampRefused(used.error);
            stamp = { id: used.stampId ?? null, last4: used.last4 ?? null };
          }
          const ok = await transition(
            trx,
            p,
            {
              from: 'draft',
              to: 'submitted',
              by: 'user',
              actor,
              set: { number, submitted_at: now, expires_at: expiresAt, fee_cents: due.cents, stamp_id: stamp.id, stamp_last4: stamp.last4 },
            },
            {
              subject: `Votre pré-demande de ${label} est enregistrée`,
              text: `Votre pré-demande de ${label} porte le numéro ${groupNumber(number)}. Elle est valable jusqu’au ${new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' }).format(expiresAt)}.\n\nPrenez rendez-vous dans une mairie équipée d’un dispositif de recueil et présentez-y ce numéro ou le QR code du récapitulatif, avec les pièces justificatives.${due.cents > 0 ? `\n\nTimbre fiscal de ${formatCents(due.cents)} enregistré.` : ''}`,
            },
          );
          if (!ok) throw new AlreadySubmitted();
          return true;
        });
        return moved ? { ok: true, value: { number } } : { ok: false, errors: { form: 'Cette pré-demande est déjà validée.' } };
      } catch (error) {
        if (error instanceof StampRefused) return { ok: false, errors: { stamp: error.message } };
        if (error instanceof AlreadySubmitted) {
          const now = await db.selectFrom('pre_applications').select('number').where('id', '=', p.id).executeTakeFirst();
          return now?.number ? { ok: true, value: { number: now.number } } : { ok: false, errors: { form: 'Cette pré-demande est déjà validée.' } };
        }
        throw error;
      }
    },

    /**
     * A town hall looks a number up (typed, or from the QR code). Every look-up is audited; unknown
     * numbers are rate-limited per town hall and IP; the data are shown only while the
     * pre-application is open, or to the town hall that took it.
     */
    async retrieve(townHall: Account, rawNumber: string, actor: Actor): Promise<Retrieval> {
      const parsed = parsePreApplicationNumber(rawNumber);
      if (!parsed.ok) {
        await audit(db, actor, 'pre_application.lookup', null, { result: 'malformed' });
        return { kind: 'malformed', error: parsed.error };
      }
      // Counted before the look-up, given back when the number exists (see accounts/throttle.ts).
      const attempt = await throttle(db, [
        limit(`pre-application:town-hall:${townHall.id}`, TOWN_HALL_LOOKUP_POLICY),
        limit(`pre-application:ip:${addressKey(actor.ip ?? '')}`, TOWN_HALL_LOOKUP_POLICY),
      ]);
      const until = attempt.lockedUntil;
      if (!attempt.admitted && until) {
        await audit(db, actor, 'pre_application.lookup', null, { result: 'locked' });
        const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
        return { kind: 'locked', error: `Trop de numéros inconnus ont été saisis : réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.` };
      }
      const number = parsed.number;
      const p = await byNumber(number);
      if (!p) {
        await audit(db, actor, 'pre_application.lookup', null, { result: 'unknown' });
        return { kind: 'unknown', number };
      }
      await attempt.succeeded(db);
      let result: Retrieval;
      if (p.status === 'taken') result = p.town_hall_account_id === townHall.id ? { kind: 'taken_here', p } : { kind: 'taken_elsewhere', number, takenAt: p.taken_at! };
      else if (isExpired(p)) result = { kind: 'expired', number, expiredAt: p.expires_at! };
      else result = { kind: 'open', p };
      await audit(db, actor, 'pre_application.lookup', { kind: 'pre_application', id: p.id }, { number, result: result.kind });
      return result;
    },

    /**
     * The town hall records the appointment: application taken, with its application number. A
     * number is taken by one town hall only (conditional update); the loser is told the state.
     */
    async take(townHall: Account, rawNumber: string, input: Input, actor: Actor): Promise<{ ok: true; p: PreApplication } | { ok: false; errors: Record<string, string> } | { ok: false; retrieval: Retrieval }> {
      const parsed = parsePreApplicationNumber(rawNumber);
      if (!parsed.ok) return { ok: false, retrieval: { kind: 'malformed', error: parsed.error } };
      const p = await byNumber(parsed.number);
      if (!p || p.status !== 'submitted' || isExpired(p)) return { ok: false, retrieval: await this.retrieve(townHall, parsed.number, actor) };
      const applicationNumber = (input.applicationNumber ?? '').trim().toUpperCase();
      if (!applicationNumber) return { ok: false, errors: { applicationNumber: 'Saisissez le numéro de la demande enregistrée lors du rendez-vous' } };
      if (!APPLICATION_NUMBER.test(applicationNumber))
        return { ok: false, errors: { applicationNumber: 'Le numéro de demande comporte de 5 à 20 caractères : lettres, chiffres et traits d’union' } };
      const name = townHallName(townHall);
      const label = DOCUMENT_LABELS[p.document].toLowerCase();
      const moved = await db.transaction().execute((trx) =>
        transition(
          trx,
          p,
          { from: 'submitted', to: 'taken', by: 'town_hall', actor, guard: 'not_expired', set: { town_hall_account_id: townHall.id, town_hall_name: name, taken_at: new Date(), application_number: applicationNumber } },
          {
            subject: `Votre demande de ${label} est déposée en mairie`,
            text: `La ${name} a enregistré votre demande de ${label} (pré-demande ${groupNumber(p.number!)}). Numéro de la demande : ${applicationNumber}.\n\nVous serez prévenu quand le titre sera prêt à être retiré dans cette mairie.`,
          },
        ),
      );
      if (!moved) return { ok: false, retrieval: await this.retrieve(townHall, parsed.number, actor) };
      return { ok: true, p: (await byNumber(parsed.number))! };
    },
  };
}
export type PreApplicationService = ReturnType<typeof createPreApplicationService>;

class StampRefused extends Error {}
class AlreadySubmitted extends Error {}

function orderErrors(errors: Record<string, string>, order: string[]): Record<string, string> {
  return Object.fromEntries([...order, ...Object.keys(errors)].filter((k, i, all) => errors[k] && all.indexOf(k) === i).map((k) => [k, errors[k]!]));
}
