import { formatCalendarDay } from '../../platform/format-date.ts';
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Account, Agent } from '../../schema.ts';
import type { Attachments } from '../../platform/files/attachments.ts';
import { cleanFilename, type Upload } from '../../platform/files/validation.ts';
import { notifyUser } from '../../platform/notify/notify.ts';
import { queueMessage } from '../../platform/mail/messages.ts';
import { zodErrors, type FieldErrors, type Outcome } from '../accounts/service.ts';
import { addressKey, limit, throttle } from '../accounts/throttle.ts';
import { ForbiddenError } from '../agents/service.ts';
import { answerSchema, ANSWER_WORKING_DAYS, CONTACT_OWNER, contactSchema, MAX_CONTACT_FILES, PUBLIC_CONTACT_EMAIL_POLICY, PUBLIC_CONTACT_IP_POLICY, senderSchema } from './contact-model.ts';
import type { ContactFileKind, ContactRequest } from './tables.ts';
import { applyContactTransition } from './transitions.ts';
import { addWorkingDays, parisDate, workingDaysBetween } from './working-days.ts';

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
  'c.sender_name',
  'c.sender_email',
  'c.sender_ip',
  'c.file_number',
  'c.file_kind',
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

  /** Which of the account's own requests carries this number: a vehicle procedure, a licence request or a pre-application. */
  async function kindOfRequest(accountId: number, number: string): Promise<ContactFileKind | null> {
    const vehicle = await db.selectFrom('vehicle_procedures').select('id').where('file_number', '=', number).where('account_id', '=', accountId).executeTakeFirst();
    if (vehicle) return 'vehicle';
    const licence = await db.selectFrom('licence_requests').select('id').where('file_number', '=', number).where('account_id', '=', accountId).executeTakeFirst();
    if (licence) return 'licence';
    const pre = await db.selectFrom('pre_applications').select('id').where('number', '=', number).where('account_id', '=', accountId).executeTakeFirst();
    return pre ? 'identity' : null;
  }

  const requireOperator = (agent: Agent) => {
    if (agent.role !== 'operator') throw new ForbiddenError('Réservé aux opérateurs de l’agence');
  };

  return {
    /** An active agent (the back-office guard checks both factors were done). */
    findAgent: (id: number) => db.selectFrom('agents').selectAll().where('id', '=', id).where('status', '=', 'active').executeTakeFirst(),

    /**
     * Records a request with its files, in one transaction with its audit row and the
     * acknowledgement email. A second post with the same idempotency key returns the first request.
     * Without an account (`account` null) the sender gives a name and an email, attaches no file and
     * names no request; each message counts against the address and the recipient (rate limits).
     */
    async create(account: Account | null, input: Record<string, string | undefined>, uploads: Upload[], actor: Actor): Promise<Outcome<{ reference: string }>> {
      const parsed = contactSchema.safeParse(input);
      const sender = account ? null : senderSchema.safeParse(input);
      const errors: FieldErrors = parsed.success ? {} : zodErrors(parsed.error);
      if (sender && !sender.success) Object.assign(errors, zodErrors(sender.error));
      const files = uploads.filter((u) => u.field === 'pieces');
      const checked = await attachments.check(files);
      if (!account && files.length) errors.pieces = 'Pour joindre des fichiers, connectez-vous à votre compte ; sans compte, décrivez votre demande dans le message';
      else if (checked.errors.pieces) errors.pieces = checked.errors.pieces;
      else if (files.length > MAX_CONTACT_FILES) errors.pieces = `Joignez ${MAX_CONTACT_FILES} fichiers au plus`;
      let fileKind: ContactFileKind | null = null;
      if (parsed.success && parsed.data.file_number) {
        if (!account) errors.file_number = 'Pour relier votre message à l’une de vos démarches, connectez-vous à votre compte ; sinon laissez ce champ vide';
        else {
          fileKind = await kindOfRequest(account.id, parsed.data.file_number);
          if (!fileKind) errors.file_number = `Aucune de vos démarches ne porte le numéro ${parsed.data.file_number} : vérifiez-le dans « Mon espace véhicule », « Mon espace permis » ou « Mes pré-demandes », ou laissez ce champ vide`;
        }
      }
      if (!parsed.success || (sender && !sender.success) || Object.keys(errors).length) return { ok: false, errors };
      const form = parsed.data;
      const from = sender?.success ? sender.data : null;
      const earlierOf = (trx: Db) =>
        (account ? trx.selectFrom('contact_requests').where('account_id', '=', account.id) : trx.selectFrom('contact_requests').where('account_id', 'is', null))
          .select('reference')
          .where('idempotency_key', '=', form.idempotency_key)
          .executeTakeFirst();
      const earlier = await earlierOf(db);
      if (earlier) return { ok: true, value: { reference: earlier.reference } };
      if (from) {
        const attempt = await throttle(db, [
          limit(`contact-ip:${addressKey(actor.ip ?? 'unknown')}`, PUBLIC_CONTACT_IP_POLICY),
          limit(`contact-email:${from.sender_email}`, PUBLIC_CONTACT_EMAIL_POLICY),
        ]);
        if (!attempt.admitted) {
          const until = attempt.lockedUntil ? ` après ${formatTime(attempt.lockedUntil)}` : ' plus tard';
          return { ok: false, errors: { form: `Trop de messages ont été envoyés depuis votre connexion ou vers cette adresse électronique : réessayez${until}, ou créez un compte pour écrire sans attendre.` } };
        }
      }
      const now = new Date();
      const dueOn = addWorkingDays(parisDate(now), ANSWER_WORKING_DAYS);
      const reference = await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('contact_requests')
          .values({
            reference: newReference(now),
            account_id: account?.id ?? null,
            sender_name: from?.sender_name ?? null,
            sender_email: from?.sender_email ?? null,
            sender_ip: from ? actor.ip : null,
            topic: form.topic,
            subject: form.subject,
            message: form.message,
            file_number: form.file_number,
            file_kind: fileKind,
            status: 'open',
            received_at: now,
            due_on: dueOn,
            idempotency_key: form.idempotency_key,
          })
          .onConflict((oc) => (account ? oc.columns(['account_id', 'idempotency_key']) : oc.column('idempotency_key').where('account_id', 'is', null)).doNothing())
          .returning(['id', 'reference'])
          .executeTakeFirst();
        if (!row) return null; // the same form posted twice at once: the other one wrote it
        if (account) {
          for (const f of checked.accepted) await attachments.store(trx, { kind: CONTACT_OWNER, id: row.id }, { purpose: 'contact', filename: cleanFilename(f.filename), mime: f.mime, bytes: f.bytes, accountId: account.id });
          await notifyUser(trx, {
            accountId: account.id,
            subject: `Demande de contact ${row.reference} reçue`,
            text: `Nous avons bien reçu votre demande « ${form.subject} » (référence ${row.reference}). L’agence vous répondra au plus tard le ${formatDay(dueOn)} (15 jours ouvrés).`,
            link: link(row.reference),
            dedupeKey: `contact-received:${row.id}`,
          });
        } else {
          await queueMessage(
            trx,
            {
              channel: 'email',
              to: from!.sender_email,
              subject: `Demande de contact ${row.reference} reçue`,
              text: `Bonjour,\n\nNous avons bien reçu votre message (référence ${row.reference}). L’agence vous répondra à cette adresse au plus tard le ${formatDay(dueOn)} (15 jours ouvrés).\n\nSi vous n’avez pas écrit à l’agence, ignorez ce message.\n\nCe message est envoyé automatiquement, merci de ne pas y répondre.\nL’Agence nationale des titres sécurisés`,
            },
            `contact-received:${row.id}:email`,
          );
        }
        await audit(trx, actor, 'contact.created', { kind: CONTACT_OWNER, id: row.id }, { reference: row.reference, topic: form.topic, file_number: form.file_number, file_kind: fileKind, files: account ? checked.accepted.length : 0, without_account: !account });
        return row.reference;
      });
      if (reference) return { ok: true, value: { reference } };
      const written = await earlierOf(db);
      return { ok: true, value: { reference: written!.reference } };
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
        .leftJoin('accounts as a', 'a.id', 'c.account_id')
        .select(['a.email', 'a.given_name', 'a.family_name', 'a.organisation_name'])
        .where('c.status', '=', 'open')
        .orderBy('c.received_at', 'asc')
        .orderBy('c.id', 'asc')
        .execute();
    },

    async forAgent(agent: Agent, id: number) {
      requireOperator(agent);
      return select()
        .leftJoin('accounts as a', 'a.id', 'c.account_id')
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

    /** An operator answers a request: its one state change, through applyContactTransition. */
    async answer(agent: Agent, id: number, input: Record<string, string | undefined>, ip: string | null): Promise<Outcome<{ reference: string }>> {
      requireOperator(agent);
      const parsed = answerSchema.safeParse(input);
      if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
      return db.transaction().execute(async (trx) => {
        const current = await trx.selectFrom('contact_requests').select(['id', 'reference', 'status', 'account_id', 'subject', 'sender_email']).where('id', '=', id).forUpdate().executeTakeFirst();
        if (!current) return { ok: false, errors: { form: 'Cette demande n’existe pas' } };
        const answer = parsed.data.answer;
        const moved = await applyContactTransition(trx, config, current, 'answer', { kind: 'agent', id: agent.id, ip }, {
          set: { answer, answered_by: agent.id, answered_at: new Date() },
          notice: {
            subject: `Réponse à votre demande de contact ${current.reference}`,
            toAccount: `L’agence a répondu à votre demande « ${current.subject} » :\n\n${answer}`,
            toEmail: `Bonjour,\n\nL’agence a répondu à votre message ${current.reference} :\n\n${answer}\n\nPour nous écrire de nouveau : ${config.publicUrl}/contact\nL’Agence nationale des titres sécurisés`,
          },
          details: { answer_length: answer.length },
        });
        if (!moved.ok) return { ok: false, errors: { form: 'Cette demande a déjà reçu une réponse' } };
        return { ok: true, value: { reference: current.reference } };
      });
    },
  };
}
export type ContactService = ReturnType<typeof createContactService>;

const timeFormat = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });
/** "14 h 05", Paris time. */
const formatTime = (d: Date): string => timeFormat.format(d).replace(':', ' h ');

/** "mercredi 23 décembre 2026" for a YYYY-MM-DD day. */
export const formatDay = formatCalendarDay;
