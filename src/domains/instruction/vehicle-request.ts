import { audit } from '../../platform/audit.ts';
import type { Agent } from '../../schema.ts';
import type { VehicleDeps } from '../vehicles/deps.ts';
import { agentActionsFor } from '../vehicles/procedures/model.ts';
import { agentActor, findRequest, requestOwner } from './vehicle-access.ts';
import { readThread } from './threads.ts';

/** Reading a vehicle request: its full view, a piece, its history as CSV — every access audited. */

/** Everything about a request, for an agent in scope; the view itself is audited. */
export async function viewRequest(deps: Pick<VehicleDeps, 'db' | 'attachments'>, agent: Agent, fileNumber: string, ip: string) {
  const { db, attachments } = deps;
  const found = await findRequest(db, agent, fileNumber);
  if (!found.ok) return found;
  const p = found.p;
  const vehicle = p.vehicle_id ? ((await db.selectFrom('vehicles').selectAll().where('id', '=', p.vehicle_id).executeTakeFirst()) ?? null) : null;
  const holder = vehicle ? ((await db.selectFrom('vehicle_holders').selectAll().where('id', '=', vehicle.holder_id).executeTakeFirst()) ?? null) : null;
  const encumbrances = vehicle ? await db.selectFrom('vehicle_encumbrances').selectAll().where('vehicle_id', '=', vehicle.id).where('lifted_at', 'is', null).execute() : [];
  const invalidated = vehicle ? await db.selectFrom('invalidated_certificates').selectAll().where('vehicle_id', '=', vehicle.id).orderBy('invalidated_at', 'desc').execute() : [];
  const account = await db.selectFrom('accounts').select(['email', 'given_name', 'family_name', 'organisation_name', 'profile', 'certified']).where('id', '=', p.account_id).executeTakeFirstOrThrow();
  const assignee = p.assigned_agent_id ? await db.selectFrom('agents').select('display_name').where('id', '=', p.assigned_agent_id).executeTakeFirst() : undefined;
  const pieces = await attachments.list(requestOwner(p));
  const messages = await readThread(db, requestOwner(p), 'agent');
  const history = await db
    .selectFrom('audit_events')
    .leftJoin('agents', (j) => j.onRef('agents.id', '=', 'audit_events.actor_id').on('audit_events.actor_kind', '=', 'agent'))
    .select(['audit_events.id', 'audit_events.at', 'audit_events.actor_kind', 'audit_events.action', 'audit_events.details', 'agents.display_name'])
    .where('subject_kind', '=', 'vehicle_procedure')
    .where('subject_id', '=', p.id)
    .where('action', '!=', 'agent.viewed_request')
    .orderBy('audit_events.id')
    .execute();
  await audit(db, agentActor(agent, ip), 'agent.viewed_request', { kind: 'vehicle_procedure', id: p.id }, { file_number: p.file_number });
  return {
    ok: true as const,
    p,
    vehicle,
    holder,
    encumbrances,
    invalidated,
    account,
    assignee: assignee?.display_name ?? null,
    pieces,
    messages,
    history,
    actions: p.assigned_agent_id === agent.id ? agentActionsFor(p.kind, p.status) : [],
  };
}

/** A piece's bytes for an agent in scope (viewed inline); the access is audited. */
export async function requestPiece(deps: Pick<VehicleDeps, 'db' | 'attachments'>, agent: Agent, fileNumber: string, pieceId: number, ip: string) {
  const { db, attachments } = deps;
  const found = await findRequest(db, agent, fileNumber);
  if (!found.ok) return null;
  const piece = await attachments.find(requestOwner(found.p), pieceId);
  if (piece) await audit(db, agentActor(agent, ip), 'agent.viewed_attachment', { kind: 'vehicle_procedure', id: found.p.id }, { file_number: found.p.file_number, attachment: piece.id });
  return piece ?? null;
}

/** The request's history as CSV (terms of use §1.17: evidence in case of dispute), for operators. */
export async function historyCsv(deps: Pick<VehicleDeps, 'db'>, agent: Agent, fileNumber: string, ip: string): Promise<string | null> {
  const { db } = deps;
  if (agent.role !== 'operator') return null;
  const p = await db.selectFrom('vehicle_procedures').select(['id', 'file_number']).where('file_number', '=', fileNumber.toUpperCase()).executeTakeFirst();
  if (!p) return null;
  const rows = await db
    .selectFrom('audit_events')
    .select(['id', 'at', 'actor_kind', 'actor_id', 'action', 'ip', 'details', 'hash'])
    .where('subject_kind', '=', 'vehicle_procedure')
    .where('subject_id', '=', p.id)
    .orderBy('id')
    .execute();
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v instanceof Date ? v.toISOString() : String(v);
    const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s; // no formula injection in a spreadsheet
    return `"${safe.replace(/"/g, '""')}"`;
  };
  await audit(db, agentActor(agent, ip), 'agent.exported_history', { kind: 'vehicle_procedure', id: p.id }, { file_number: p.file_number, rows: rows.length });
  return [['id', 'date_utc', 'acteur', 'acteur_id', 'action', 'ip', 'details', 'empreinte'].join(';'), ...rows.map((r) => [r.id, r.at, r.actor_kind, r.actor_id, r.action, r.ip, r.details, r.hash].map(cell).join(';'))].join('\r\n') + '\r\n';
}
