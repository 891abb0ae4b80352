import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Account, Agent } from '../../platform/db/schema.ts';
import type { Attachments } from '../../platform/files/attachments.ts';
import { cleanFilename, type Upload } from '../../platform/files/validation.ts';
import { notifyUser } from '../../platform/notify/notify.ts';
import { zodErrors, type FieldErrors, type Outcome } from '../accounts/service.ts';
import { ForbiddenError } from '../agents/service.ts';
import { answerSchema, ANSWER_WORKING_DAYS, canContact, CONTACT_TRANSITIONS, contactSchema, MAX_CONTACT_FILES } from './contact-model.ts';
import type { ContactRequest } from './tables.ts';
import { addWorkingDays, parisDate, workingDaysBetween } from './working-days.ts';

export const CONTACT_OWNER = 'contact_request';

/** The deadline shown for a request: its day, the working days left (negative when late), and whether it is overdue. */
export interface Deadline {
  dueOn: string;
  workingDaysLeft: number;
  overdue: boolean;
}
export function deadlineOf(r: Pick<ContactRequest, 'due_on' | 'status'>, now = new Date()): Deadline {
  const today = parisDate(now);
  return { dueOn: r.due_on, workingDaysLeft: workingDaysBetween(today, r.due_on), overdue: r.status === 'open' && today > r.due_on };
}

/** An unguessable reference: C + year + 6 characters without look-alikes (0/O, 1/I). */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const newReference = (now: Date) => `C${now.getUTCFullYear()}-${Array.from({ length: 6 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')}`;

/** `due_on` read back as YYYY-MM-DD text whatever the driver (a date column would become a Date). */
const columns = [
  'c.id',
  'c.reference',
  'c.account_id',
  'c.topic',
  'c.subject',
  'c.message',
  'c.file_number',
  'c.status',
  'c.received_at',
  sql<string>`to_char(c.due_on, 'YYYY-MM-DD')`.as('due_on'),
  'c.answer',
  'c.answered_by',
  'c.answered_at',
  'c.idempotency_key',
] as const;

/** Contact requests (terms of use §1.15): a user writes, an operator answers within 15 working days. */
export function createContactService(deps: { db: Db; config: Config; attachments: Attachments }) {
  const { db, config, attachments } = deps;
  const link = (reference: string) => `${config.publicUrl}/contact/demandes/${reference}`;
  const select = (trx: Db = db) => trx.selectFrom('contact_requests as c').select(columns);

  const requireOperator = (agent: Agent) => {
    if (agent.role !== 'operator') throw new ForbiddenError('Réservé aux opérateurs de l’agence');
  };

  return {
    /** An active agent (the back-office guard checks both factors were done). */
    findAgent: (id: number) => db.selectFrom('agents').selectAll().where('id', '=', id).where('status', '=', 'active').executeTakeFirst(),

    /**
     * Records a request with its files, in one transaction with its audit row and the
     * acknowledgement email. A second post with the same idempotency key returns the first request.
     */
    async create(account: Account, input: Record<string, string | undefined>, uploads: Upload[], actor: Actor): Promise<Outcome<{ reference: string }>> {
      const parsed = contactSchema.safeParse(input);
      const errors: FieldErrors = parsed.success ? {} : zodErrors(parsed.error);
      const files = uploads.filter((u) => u.field === 'pieces');
      const checked = await attachments.check(files);
      if (checked.errors.pieces) errors.pieces = checked.errors.pieces;
      else if (files.length > MAX_CONTACT_FILES) errors.pieces = `Joignez ${MAX_CONTACT_FILES} fichiers au plus`;
      if (parsed.success && parsed.data.file_number) {
        const mine = await db.selectFrom('vehicle_procedures').select('id').where('file_number', '=', parsed.data.file_number).where('account_id', '=', account.id).executeTakeFirst();
        if (!mine) errors.file_number = `Aucune de vos démarches ne porte le numéro ${parsed.data.file_number} : vérifiez-le dans « Mon espace véhicule », ou laissez ce champ vide`;
      }
      if (!parsed.success || Object.keys(errors).length) return { ok: false, errors };
      const form = parsed.data;
      const earlier = await db.selectFrom('contact_requests').select('reference').where('account_id', '=', account.id).where('idempotency_key', '=', form.idempotency_key).executeTakeFirst();
      if (earlier) return { ok: true, value: { reference: earlier.reference } };
      const now = new Date();
      const dueOn = addWorkingDays(parisDate(now), ANSWER_WORKING_DAYS);
      const reference = await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('contact_requests')
          .values({ reference: newReference(now), account_id: account.id, topic: form.topic, subject: form.subject, message: form.message, file_number: form.file_number, status: 'open', received_at: now, due_on: dueOn, idempotency_key: form.idempotency_key })
          .onConflict((oc) => oc.columns(['account_id', 'idempotency_key']).doNothing())
          .returning(['id', 'reference'])
          .executeTakeFirst();
        if (!row) return null; // the same form posted twice at once: the other one wrote it
        for (const f of checked.accepted) await attachments.store(trx, { kind: CONTACT_OWNER, id: row.id }, { purpose: 'contact', filename: cleanFilename(f.filename), mime: f.mime, bytes: f.bytes, accountId: account.id });
        await notifyUser(trx, {
          accountId: account.id,
          subject: `Demande de contact ${row.reference} reçue`,
          text: `Nous avons bien reçu votre demande « ${form.subject} » (référence ${row.reference}). L’agence vous répondra au plus tard le ${formatDay(dueOn)} (15 jours ouvrés).`,
          link: link(row.reference),
          dedupeKey: `contact-received:${row.id}`,
        });
        await audit(trx, actor, 'contact.created', { kind: CONTACT_OWNER, id: row.id }, { reference: row.reference, topic: form.topic, file_number: form.file_number, files: checked.accepted.length });
        return row.reference;
      });
      if (reference) return { ok: true, value: { reference } };
      const written = await db.selectFrom('contact_requests').select('reference').where('account_id', '=', account.id).where('idempotency_key', '=', form.idempotency_key).executeTakeFirstOrThrow();
      return { ok: true, value: { reference: written.reference } };
    },

    /** The user's own requests, newest first. */
    listMine: (account: Account) => select().where('c.account_id', '=', account.id).orderBy('c.received_at', 'desc').orderBy('c.id', 'desc').execute(),

    /** One of the user's requests (undefined for another user's reference: the route answers 404). */
    mine: (account: Account, reference: string) => select().where('c.account_id', '=', account.id).where('c.reference', '=', reference).executeTakeFirst(),

    files: (request: Pick<ContactRequest, 'id'>) => attachments.list({ kind: CONTACT_OWNER, id: request.id }),
    file: (request: Pick<ContactRequest, 'id'>, attachmentId: number) => attachments.find({ kind: CONTACT_OWNER, id: request.id }, attachmentId),

    /** The operators' queue: open requests, oldest first, with the user's name and email. */
    async queue(agent: Agent) {
      requireOperator(agent);
      return select()
        .innerJoin('accounts as a', 'a.id', 'c.account_id')
        .select(['a.email', 'a.given_name', 'a.family_name', 'a.organisation_name'])
        .where('c.status', '=', 'open')
        .orderBy('c.received_at', 'asc')
        .orderBy('c.id', 'asc')
        .execute();
    },

    async forAgent(agent: Agent, id: number) {
      requireOperator(agent);
      return select()
        .innerJoin('accounts as a', 'a.id', 'c.account_id')
        .select(['a.email', 'a.given_name', 'a.family_name', 'a.organisation_name'])
        .where('c.id', '=', id)
        .executeTakeFirst();
    },

    /** An operator opens a request (the user's message and contacts): audited, like an account view. */
    async openForAgent(agent: Agent, id: number, ip: string | null) {
      const r = await this.forAgent(agent, id);
      if (r) await audit(db, { kind: 'agent', id: agent.id, ip }, 'contact.viewed', { kind: CONTACT_OWNER, id }, { reference: r.reference });
      return r;
    },

    /**
     * The one state change of a request: an operator answers it. Checks the transition, writes,
     * audits and emails the user the answer, in one transaction.
     */
    async answer(agent: Agent, id: number, input: Record<string, string | undefined>, ip: string | null): Promise<Outcome<{ reference: string }>> {
      requireOperator(agent);
      const parsed = answerSchema.safeParse(input);
      if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
      return db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom('contact_requests').select(['id', 'reference', 'status', 'account_id', 'subject']).where('id', '=', id).forUpdate().executeTakeFirst();
        if (!current) return { ok: false, errors: { form: 'Cette demande n’existe pas' } };
        if (!canContact('answer', current.status)) return { ok: false, errors: { form: 'Cette demande a déjà reçu une réponse' } };
        const now = new Date();
        await trx.updateTable('contact_requests').set({ status: CONTACT_TRANSITIONS.answer.to, answer: parsed.data.answer, answered_by: agent.id, answered_at: now }).where('id', '=', id).where('status', '=', 'open').execute();
        await notifyUser(trx, {
          accountId: current.account_id,
          subject: `Réponse à votre demande de contact ${current.reference}`,
          text: `L’agence a répondu à votre demande « ${current.subject} » :\n\n${parsed.data.answer}`,
          link: link(current.reference),
          dedupeKey: `contact-answered:${current.id}`,
        });
        await audit(trx, { kind: 'agent', id: agent.id, ip }, 'contact.answered', { kind: CONTACT_OWNER, id: current.id }, { reference: current.reference, answer_length: parsed.data.answer.length });
        return { ok: true, value: { reference: current.reference } };
      });
    },
  };
}
export type ContactService = ReturnType<typeof createContactService>;

const dayFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', dateStyle: 'full' });
/** "mercredi 23 décembre 2026" for a YYYY-MM-DD day. */
export const formatDay = (day: string): string => dayFormat.format(new Date(`${day}T00:00:00Z`));
