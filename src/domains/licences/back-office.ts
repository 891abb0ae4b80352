import { audit } from '../../platform/audit.ts';
import { REFUSAL_REASONS, type RefusalReason } from '../../platform/files/attachments.ts';
import type { Agent } from '../../schema.ts';
import type { Outcome } from '../accounts/service.ts';
import { one, type Input, type LicencesDeps } from './deps.ts';
import { QUEUE_PAGE_SIZE, type Reason, type Status } from './model.ts';
import { ownerOf } from './request-data.ts';

export class LicenceForbiddenError extends Error {
  readonly statusCode = 403;
}
export function requireLicenceAgent(agent: Agent): void {
  if (agent.role !== 'licence_service') throw new LicenceForbiddenError('Réservé au service d’instruction des permis de conduire');
}

export const findActiveAgent = (deps: Pick<LicencesDeps, 'db'>, id: number) => deps.db.selectFrom('agents').selectAll().where('id', '=', id).where('status', '=', 'active').executeTakeFirst();

/** The queue: submitted requests, oldest first, by status and reason, searched by file number or name; keyset pages. */
export async function queue(deps: Pick<LicencesDeps, 'db'>, agent: Agent, f: { status?: Status | null; reason?: Reason | null; q?: string; after?: string | null }) {
  requireLicenceAgent(agent);
  let q = deps.db
    .selectFrom('licence_requests')
    .leftJoin('agents', 'agents.id', 'licence_requests.assigned_agent_id')
    .select(['licence_requests.id', 'file_number', 'reason', 'licence_requests.status', 'person_name', 'submitted_at', 'assigned_agent_id', 'agents.display_name as assignee'])
    .where('licence_requests.status', '<>', 'draft');
  if (f.status) q = q.where('licence_requests.status', '=', f.status);
  if (f.reason) q = q.where('reason', '=', f.reason);
  const term = (f.q ?? '').trim().toUpperCase();
  if (term) q = q.where((eb) => eb.or([eb('file_number', '=', term), eb('person_name', 'like', `%${term.replace(/[%_\\]/g, '')}%`)]));
  const cursor = /^(\d+)-(\d+)$/.exec(f.after ?? '');
  if (cursor) {
    const at = new Date(Number(cursor[1]));
    const id = Number(cursor[2]);
    q = q.where((eb) => eb.or([eb('submitted_at', '>', at), eb.and([eb('submitted_at', '=', at), eb('licence_requests.id', '>', id)])]));
  }
  const rows = await q.orderBy('submitted_at').orderBy('licence_requests.id').limit(QUEUE_PAGE_SIZE + 1).execute();
  const page = rows.slice(0, QUEUE_PAGE_SIZE);
  const lastRow = page.at(-1);
  const next = rows.length > QUEUE_PAGE_SIZE && lastRow?.submitted_at ? `${lastRow.submitted_at.getTime()}-${lastRow.id}` : null;
  return { rows: page, next };
}

/** A submitted request as the agent sees it: its pieces, the account that filed it and who took it. */
export async function requestForAgent(deps: Pick<LicencesDeps, 'db' | 'attachments'>, agent: Agent, id: number) {
  requireLicenceAgent(agent);
  const { db } = deps;
  const r = await db.selectFrom('licence_requests').selectAll().where('id', '=', id).where('status', '<>', 'draft').executeTakeFirst();
  if (!r) return null;
  const [pieces, account, assignee] = await Promise.all([
    deps.attachments.list(ownerOf(r)),
    db.selectFrom('accounts').select(['email', 'profile', 'given_name', 'family_name', 'organisation_name']).where('id', '=', r.account_id).executeTakeFirst(),
    r.assigned_agent_id ? db.selectFrom('agents').select('display_name').where('id', '=', r.assigned_agent_id).executeTakeFirst() : undefined,
  ]);
  return { request: r, pieces, account, assignee: assignee?.display_name ?? null };
}

export async function attachmentForAgent(deps: Pick<LicencesDeps, 'db' | 'attachments'>, agent: Agent, id: number, attachmentId: number) {
  requireLicenceAgent(agent);
  const r = await deps.db.selectFrom('licence_requests').select('id').where('id', '=', id).where('status', '<>', 'draft').executeTakeFirst();
  return r ? deps.attachments.find(ownerOf(r), attachmentId) : undefined;
}

/** An agent accepts or refuses one piece, with a reason from the list and a free text. */
export async function reviewPiece(deps: Pick<LicencesDeps, 'db' | 'attachments'>, agent: Agent, id: number, attachmentId: number, input: Input, ip: string): Promise<Outcome<null>> {
  requireLicenceAgent(agent);
  const { db, attachments } = deps;
  const r = await db.selectFrom('licence_requests').selectAll().where('id', '=', id).executeTakeFirst();
  const piece = r ? await attachments.find(ownerOf(r), attachmentId) : undefined;
  if (!r || !piece) return { ok: false, errors: { form: 'Pièce introuvable.' } };
  if (r.assigned_agent_id !== agent.id) return { ok: false, errors: { form: r.assigned_agent_id ? 'Cette demande est prise par un autre agent.' : 'Prenez d’abord la demande pour la traiter.' } };
  const verdict = one(input.verdict);
  const reason = one(input.reason);
  const note = one(input.note).trim().slice(0, 500);
  if (verdict !== 'accepted' && verdict !== 'refused') return { ok: false, errors: { [`verdict-${attachmentId}`]: 'Choisissez d’accepter ou de refuser la pièce' } };
  if (verdict === 'refused' && !(reason in REFUSAL_REASONS)) return { ok: false, errors: { [`reason-${attachmentId}`]: 'Choisissez le motif du refus de la pièce' } };
  const done = await db.transaction().execute(async (trx) => {
    const ok = await attachments.review(trx, attachmentId, { status: verdict, reason: verdict === 'refused' ? (reason as RefusalReason) : null, note: note || null, agentId: agent.id });
    if (ok) await audit(trx, { kind: 'agent', id: agent.id, ip }, `licence.piece_${verdict}`, { kind: 'licence_request', id }, { attachment: attachmentId, purpose: piece.purpose, reason: verdict === 'refused' ? reason : null });
    return ok;
  });
  return done ? { ok: true, value: null } : { ok: false, errors: { form: 'Cette pièce a déjà été examinée.' } };
}
