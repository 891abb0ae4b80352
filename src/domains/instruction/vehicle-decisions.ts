import { audit } from '../../platform/audit.ts';
import { REFUSAL_REASONS, type RefusalReason } from '../../platform/files/attachments.ts';
import type { Agent } from '../../schema.ts';
import type { VehicleDeps } from '../vehicles/deps.ts';
import { AGENT_ACTIONS, agentActionsFor, STATUS_LABELS, type ProcedureAction } from '../vehicles/procedures/model.ts';
import { applyTransition } from '../vehicles/procedures/transitions.ts';
import { recordAcceptedTheft } from '../vehicles/duplicate/theft.ts';
import { agentActor, findRequest, requestOwner, type InstructionError } from './vehicle-access.ts';
import { MESSAGE_MAX, postMessage } from './threads.ts';

/** The instruction centre's decisions on a vehicle request: each piece, then the request through the procedures' state machine. */

/** A piece accepted, or refused with a reason from the list and free text; only by the agent who took the request. */
export async function reviewPiece(
  deps: Pick<VehicleDeps, 'db' | 'attachments'>,
  agent: Agent,
  fileNumber: string,
  pieceId: number,
  form: Record<string, string | undefined>,
  ip: string,
): Promise<{ ok: true } | InstructionError | { ok: false; errors: Record<string, string> }> {
  const { db, attachments } = deps;
  const found = await findRequest(db, agent, fileNumber);
  if (!found.ok) return found;
  const p = found.p;
  if (p.assigned_agent_id !== agent.id) return { ok: false, error: 'Prenez d’abord la demande pour examiner ses pièces.', status: 409 };
  if (p.status !== 'awaiting_review') return { ok: false, error: `Cette demande est « ${STATUS_LABELS[p.status]} » : ses pièces ne sont plus à examiner.`, status: 409 };
  const piece = await attachments.find(requestOwner(p), pieceId);
  if (!piece) return { ok: false, error: 'Pièce introuvable.', status: 404 };
  const decision = form.decision;
  const reason = form.reason as RefusalReason | undefined;
  const note = (form.note ?? '').trim();
  const errors: Record<string, string> = {};
  if (decision !== 'accepted' && decision !== 'refused') errors[`decision-${pieceId}`] = 'Choisissez d’accepter ou de refuser la pièce';
  if (decision === 'refused' && (!reason || !(reason in REFUSAL_REASONS))) errors[`reason-${pieceId}`] = 'Choisissez le motif du refus';
  if (decision === 'refused' && reason === 'autre' && !note) errors[`note-${pieceId}`] = 'Précisez le motif du refus';
  if (note.length > 500) errors[`note-${pieceId}`] = 'La précision ne doit pas dépasser 500 caractères';
  if (Object.keys(errors).length) return { ok: false, errors };
  return db.transaction().execute(async (trx) => {
    const done = await attachments.review(trx, piece.id, { status: decision as 'accepted' | 'refused', reason: decision === 'refused' ? reason! : null, note: note || null, agentId: agent.id });
    if (!done) return { ok: false as const, error: 'Cette pièce a déjà été examinée.', status: 409 as const };
    await audit(trx, agentActor(agent, ip), `attachment.${decision}`, { kind: 'vehicle_procedure', id: p.id }, { file_number: p.file_number, attachment: piece.id, purpose: piece.purpose, reason: decision === 'refused' ? reason : null });
    return { ok: true as const };
  });
}

/** A decision through the state machine; a note is required to ask for a complement or to reject. */
export async function decide(
  deps: Pick<VehicleDeps, 'db' | 'config' | 'attachments'>,
  agent: Agent,
  fileNumber: string,
  action: string,
  form: Record<string, string | undefined>,
  ip: string,
): Promise<{ ok: true } | InstructionError | { ok: false; errors: Record<string, string> }> {
  const { db, config, attachments } = deps;
  const found = await findRequest(db, agent, fileNumber);
  if (!found.ok) return found;
  const p = found.p;
  const allowed = (AGENT_ACTIONS[p.kind] ?? []) as readonly string[];
  if (!allowed.includes(action)) return { ok: false, error: 'Décision inconnue pour cette démarche.', status: 400 };
  const a = action as ProcedureAction;
  if (!agentActionsFor(p.kind, p.status).includes(a)) return { ok: false, error: `Cette demande est « ${STATUS_LABELS[p.status]} » : cette décision n’est pas possible. Rien n’a été modifié.`, status: 409 };
  if (p.assigned_agent_id !== agent.id) return { ok: false, error: p.assigned_agent_id ? 'Un autre agent a pris cette demande : vous ne pouvez pas la décider.' : 'Prenez d’abord la demande pour la décider.', status: 409 };
  const note = (form.note ?? '').trim();
  const pieces = await attachments.list(requestOwner(p));
  const NOTE_REQUIRED: Partial<Record<ProcedureAction, string>> = {
    reject: 'Indiquez le motif du rejet, qui sera montré à l’usager',
    ask_complement: 'Écrivez la note qui explique à l’usager ce qu’il doit compléter',
    process: 'Écrivez la réponse à l’usager : ce qui a été fait pour sa demande',
  };
  if (NOTE_REQUIRED[a] && !note) return { ok: false, errors: { [`note-${a}`]: NOTE_REQUIRED[a] } };
  if (note.length > MESSAGE_MAX) return { ok: false, errors: { [`note-${a}`]: `La note ne doit pas dépasser ${MESSAGE_MAX} caractères` } };
  if (a === 'accept_pieces' || a === 'process') {
    if (pieces.some((x) => x.review_status === 'pending')) return { ok: false, errors: { [`note-${a}`]: 'Examinez d’abord chaque pièce en attente' } };
    if (a === 'accept_pieces' && pieces.at(-1)?.review_status !== 'accepted') return { ok: false, errors: { [`note-${a}`]: 'La dernière pièce envoyée doit être acceptée pour valider' } };
  }
  return db.transaction().execute(async (trx) => {
    if (note) await postMessage(trx, requestOwner(p), { kind: 'agent', agentId: agent.id }, note);
    const moved = await applyTransition(trx, config, p, a, agentActor(agent, ip), {
      agentId: agent.id,
      set: { decision_note: note || null, ...(a === 'ask_complement' ? {} : { assigned_agent_id: null, assigned_at: null }) },
      details: { note_length: note.length },
    });
    // lost the race (or the assignment): throwing rolls the note back, nothing is written
    if (!moved.ok) throw Object.assign(new Error('decision lost'), { lost: moved.reason });
    // a duplicate's police report accepted: the theft of the certificate is now recorded in the registry
    if (a === 'accept_pieces') await recordAcceptedTheft(trx, moved.procedure, agentActor(agent, ip));
    return { ok: true as const };
  }).catch((e: Error & { lost?: string }) => {
    if (!e.lost) throw e;
    return { ok: false as const, error: e.lost === 'not_assigned' ? 'Un autre agent a pris cette demande : vous ne pouvez pas la décider.' : 'Cette demande a changé entre-temps (un autre agent l’a décidée ?) : rechargez-la. Rien n’a été modifié.', status: 409 as const };
  });
}
