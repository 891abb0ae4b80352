import { audit } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';

/** What a user reads of the audit trail about them: their own actions, their requests, their account. */
const ACTION_LABELS: Record<string, string> = {
  'account.created': 'Compte créé',
  'account.suspended': 'Compte suspendu par l’agence',
  'account.reactivated': 'Compte réactivé par l’agence',
  'account.suspension_ended': 'Fin de la suspension du compte',
  'account.mobile_changed': 'Numéro de mobile modifié',
  'vehicle_procedure.started': 'Démarche commencée',
  'vehicle_procedure.cancelled': 'Démarche abandonnée',
  'vehicle_procedure.cancel': 'Démarche abandonnée',
  'vehicle_procedure.code_verified': 'Code confidentiel accepté',
  'vehicle_procedure.submit_for_review': 'Demande transmise au centre d’instruction',
  'vehicle_procedure.resubmit': 'Réponse transmise au centre d’instruction',
  'vehicle_procedure.ask_complement': 'Complément demandé par le centre d’instruction',
  'vehicle_procedure.accept_pieces': 'Pièces validées par le centre d’instruction',
  'vehicle_procedure.process': 'Demande traitée par le centre d’instruction',
  'vehicle_procedure.reject': 'Demande rejetée par le centre d’instruction',
  'vehicle_procedure.file_for_payment': 'Demande validée, en attente de paiement',
  'vehicle_procedure.paid': 'Demande payée et terminée',
  'confidential_code.verified': 'Code confidentiel accepté',
  'confidential_code.failed': 'Code confidentiel erroné',
  'confidential_code.locked': 'Saisie du code confidentiel bloquée',
  'confidential_code.reissued': 'Nouveau code confidentiel demandé',
  'payment.started': 'Paiement commencé',
  'payment.success': 'Paiement accepté',
  'payment.failed': 'Paiement refusé par la banque',
  'payment.cancelled': 'Paiement annulé',
  'payment.error': 'Erreur du prestataire de paiement',
  'attachment.accepted': 'Pièce acceptée par le centre d’instruction',
  'attachment.refused': 'Pièce refusée par le centre d’instruction',
  'agent.viewed_request': 'Un agent du centre d’instruction a consulté la demande',
  'agent.viewed_attachment': 'Un agent du centre d’instruction a consulté une pièce',
  'agent.took_request': 'Un agent du centre d’instruction a pris la demande',
  'agent.messaged_user': 'Message du centre d’instruction',
  'vehicle.sale_declared': 'Cession déclarée',
  'vehicle.address_change_filed': 'Changement d’adresse enregistré',
  'vehicle.holder_change_filed': 'Changement de titulaire enregistré',
};
export const actionLabel = (action: string) => ACTION_LABELS[action] ?? 'Opération enregistrée';

const MOBILE = /^(?:\+33\s?|0)[67](?:[\s.-]?\d{2}){4}$/;
/** A French mobile number, normalised to +33…; null when it is not one. */
export function normaliseMobile(input: string): string | null {
  const trimmed = input.trim();
  if (!MOBILE.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, '');
  return `+33${digits.startsWith('33') ? digits.slice(2) : digits.slice(1)}`;
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

    /** The audit rows about this user, newest first: what they did, and what was done to their requests. */
    async history(accountId: number) {
      const rows = await db
        .selectFrom('audit_events as e')
        .leftJoin('vehicle_procedures as vp', (j) => j.on('e.subject_kind', '=', 'vehicle_procedure').onRef('vp.id', '=', 'e.subject_id'))
        .select(['e.id', 'e.at', 'e.actor_kind', 'e.action', 'e.ip', 'vp.file_number'])
        .where((eb) =>
          eb.or([
            eb.and([eb('e.actor_kind', '=', 'user'), eb('e.actor_id', '=', accountId)]),
            eb.and([eb('e.subject_kind', '=', 'account'), eb('e.subject_id', '=', accountId)]),
            eb('vp.account_id', '=', accountId),
          ]),
        )
        .where('e.action', 'not in', ['account.deleted', 'account.deleted_by_user'])
        .orderBy('e.id', 'desc')
        .limit(200)
        .execute();
      return rows.map((r) => ({ ...r, label: actionLabel(r.action), ip: r.actor_kind === 'user' ? r.ip : null }));
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
