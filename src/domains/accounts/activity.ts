import { audit } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import { auditActionLabel } from '../../platform/audit-labels.ts';
import { sql } from 'kysely';

/** The page of a request named in "Mon historique", by the kind of the audit row's subject. */
const REQUEST_PAGES: Record<string, (reference: string, id: number) => string> = {
  vehicle_procedure: (reference) => `/vehicules/demandes/${reference}`,
  licence_request: (reference) => `/permis/demandes/${reference}`,
  pre_application: (_reference, id) => `/pre-demandes/${id}`,
  contact_request: (reference) => `/contact/demandes/${reference}`,
};

const MOBILE = /^(?:\+33\s?|0)[67](?:[\s.-]?\d{2}){4}$/;
/** A French mobile number, normalised to +33…; null when it is not one. */
export function normaliseMobile(input: string): string | null {
  const trimmed = input.trim();
  if (!MOBILE.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  return `+33${digits.startsWith('33') ? digits.slice(2) : digits.slice(1)}`;
}

/** Who acted, as the user reads it: never an agent's name, the service the agent works for. */
function actorName(kind: 'user' | 'agent' | 'system', self: boolean, subject: string): string {
  // someone else's account acting on the user's request is a town hall recording a pre-application
  if (kind === 'user') return self ? 'Vous' : 'Une mairie';
  if (kind === 'system') return 'Le portail';
  if (subject === 'vehicle_procedure') return 'Le centre d’instruction';
  if (subject === 'licence_request') return 'L’administration';
  if (subject === 'contact_request') return 'L’assistance';
  return 'L’agence';
}

export function createActivity(db: Db) {
  return {
    /** Every message the portal sent to this account (email and SMS), newest first, with its delivery status. */
    notifications: (accountId: number) =>
      db
        .selectFrom('outgoing_messages')
        .select(['id', 'channel', 'subject', 'body_text', 'status', 'link', 'created_at'])
        .where('account_id', '=', accountId)
        .orderBy('id', 'desc')
        .limit(200)
        .execute(),

    /** The audit rows about this user, newest first: what they did, and what was done to their requests (of every kind). */
    async history(accountId: number) {
      const rows = await db
        .selectFrom('audit_events as e')
        .leftJoin('vehicle_procedures as vp', (j) => j.on('e.subject_kind', '=', 'vehicle_procedure').onRef('vp.id', '=', 'e.subject_id'))
        .leftJoin('licence_requests as lr', (j) => j.on('e.subject_kind', '=', 'licence_request').onRef('lr.id', '=', 'e.subject_id'))
        .leftJoin('pre_applications as pa', (j) => j.on('e.subject_kind', '=', 'pre_application').onRef('pa.id', '=', 'e.subject_id'))
        .leftJoin('contact_requests as cr', (j) => j.on('e.subject_kind', '=', 'contact_request').onRef('cr.id', '=', 'e.subject_id'))
        .select(['e.id', 'e.at', 'e.actor_kind', 'e.actor_id', 'e.action', 'e.ip', 'e.subject_kind', 'e.subject_id'])
        .select(sql<string | null>`coalesce(vp.file_number, lr.file_number, pa.number, cr.reference, e.details->>'procedure')`.as('reference'))
        .where((eb) =>
          eb.or([
            eb.and([eb('e.actor_kind', '=', 'user'), eb('e.actor_id', '=', accountId)]),
            eb.and([eb('e.subject_kind', '=', 'account'), eb('e.subject_id', '=', accountId)]),
            eb('vp.account_id', '=', accountId),
            eb('lr.account_id', '=', accountId),
            eb('pa.account_id', '=', accountId),
            eb('cr.account_id', '=', accountId),
          ]),
        )
        .where('e.action', 'not in', ['account.deleted', 'account.deleted_by_user'])
        .orderBy('e.id', 'desc')
        .limit(200)
        .execute();
      return rows.map((r) => {
        // a row about a vehicle names the procedure in its details; a draft pre-application has no number yet
        const kind = r.subject_kind === 'vehicle' ? 'vehicle_procedure' : (r.subject_kind ?? '');
        const page = REQUEST_PAGES[kind];
        const href = page && r.subject_id !== null && (r.reference || kind === 'pre_application') ? page(r.reference ?? '', r.subject_id) : null;
        return {
          id: r.id,
          at: r.at,
          actor: actorName(r.actor_kind, r.actor_id === accountId, kind),
          action: r.action,
          label: auditActionLabel(r.action),
          reference: r.reference ?? (kind === 'pre_application' ? 'Pré-demande' : null),
          href,
          ip: r.actor_kind === 'user' && r.actor_id === accountId ? r.ip : null,
        };
      });
    },

    async setMobile(accountId: number, input: string, ip: string): Promise<{ ok: true; mobile: string | null } | { ok: false; error: string }> {
      const mobile = input.trim() ? normaliseMobile(input) : null;
      if (input.trim() && !mobile) return { ok: false, error: 'Saisissez un numéro de mobile français, par exemple 06 12 34 56 78 ou +33 6 12 34 56 78' };
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('accounts').set({ mobile_phone: mobile }).where('id', '=', accountId).execute();
        await audit(trx, { kind: 'user', id: accountId, ip }, 'account.mobile_changed', { kind: 'account', id: accountId }, { removed: !mobile });
      });
      return { ok: true, mobile };
    },
  };
}
export type Activity = ReturnType<typeof createActivity>;
