import type { Config } from '../../config.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import { canFire, STATUSES, TRANSITIONS, type Status, type Transition } from './model.ts';
import { notifyPerson } from './notify-person.ts';
import type { LicenceRequest, LicenceRequestsTable } from './tables.ts';
import type { Updateable } from 'kysely';

export type LicenceTransitionResult = { ok: true } | { ok: false; reason: 'not_allowed' | 'changed' };

/**
 * The one way a licence request changes status: checks the transition against the state machine
 * (TRANSITIONS of model.ts), writes the row only if it is still in the status read (and, for an
 * agent's move, still assigned to that agent), notifies the person concerned and audits, in the
 * caller's transaction. Of two concurrent moves, one wins; the other gets `changed`.
 */
export async function applyLicenceTransition(
  trx: Db,
  config: Pick<Config, 'publicUrl'>,
  r: LicenceRequest,
  t: Transition,
  actor: Actor,
  opts: { note?: string | null; agentId?: number; set?: Omit<Updateable<LicenceRequestsTable>, 'status'> } = {},
): Promise<LicenceTransitionResult> {
  const def = TRANSITIONS[t];
  if (!canFire(t, r.status)) return { ok: false, reason: 'not_allowed' };
  let q = trx
    .updateTable('licence_requests')
    .set({
      status: def.to,
      updated_at: new Date(),
      ...(def.by === 'agent' && t !== 'check_images' ? { decided_at: new Date() } : {}),
      ...(def.note ? { decision_note: opts.note ?? null } : {}),
      ...(opts.set ?? {}),
    })
    .where('id', '=', r.id)
    .where('status', '=', r.status);
  if (def.by === 'agent') q = q.where('assigned_agent_id', '=', opts.agentId ?? -1);
  const res = await q.executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return { ok: false, reason: 'changed' };
  const moved = { ...r, status: def.to as Status };
  // no personal data in the message (the agent's note, the NEPH): they are read once signed in
  let text: string = def.notify;
  if (t === 'accept_images' && r.reason === 'loss') text += '\n\nVotre attestation de droits à conduire est disponible dans votre espace : téléchargez-la. Elle vous permet de conduire dans l’attente du nouveau titre.';
  if (t === 'validate' && r.reason === 'registration') text += '\n\nVotre numéro NEPH est affiché dans votre espace : vous pouvez vous inscrire à l’examen du code.';
  // FAQ: "Vous serez prévenu par email et sms dès que l’attestation sera disponible" — the SMS carries the subject
  const subject = t === 'accept_images' && r.reason === 'loss' ? 'Votre attestation de droits à conduire est disponible' : `Votre demande de permis de conduire : ${STATUSES[def.to].label}`;
  await notifyPerson(trx, config, moved, { subject, text, dedupeKey: `licence:${r.id}:${t}:${Date.now()}` });
  await audit(trx, actor, `licence.${t}`, { kind: 'licence_request', id: r.id }, { file: r.file_number, from: r.status, to: def.to, ...(opts.note ? { note: true } : {}) });
  return { ok: true };
}
