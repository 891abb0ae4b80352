import type { Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Agent } from '../../schema.ts';
import { AGENT_ACTIONS } from '../vehicles/procedures/model.ts';
import type { ProcedureKind, VehicleProcedure } from '../vehicles/tables.ts';

/** Who may see and decide a vehicle request: instruction agents, within their department when they have one. */

/** The kinds of procedure the instruction centre decides (the others never reach it). */
export const INSTRUCTED_KINDS = Object.keys(AGENT_ACTIONS) as ProcedureKind[];

export type InstructionError = { ok: false; error: string; status: 403 | 404 | 409 | 400 };
const SCOPE_ERROR: InstructionError = { ok: false, error: 'Cette demande ne relève pas de votre périmètre.', status: 403 };

export const agentActor = (agent: Agent, ip: string): Actor => ({ kind: 'agent', id: agent.id, ip });
export const isInstructor = (agent: Agent) => agent.role === 'instruction_centre';
/** A request's pieces and thread belong to it. */
export const requestOwner = (p: { id: number }) => ({ kind: 'vehicle_procedure', id: p.id });
const inScope = (agent: Agent, p: Pick<VehicleProcedure, 'department' | 'kind' | 'submitted_at'>) =>
  isInstructor(agent) && INSTRUCTED_KINDS.includes(p.kind) && p.submitted_at !== null && (agent.scope === null || agent.scope === p.department);

/** A request the agent may see: unknown and out-of-scope ones are told apart only by the message. */
export async function findRequest(db: Db, agent: Agent, fileNumber: string): Promise<{ ok: true; p: VehicleProcedure } | InstructionError> {
  if (!isInstructor(agent)) return { ok: false, error: 'Ces demandes sont instruites par le centre d’instruction des véhicules.', status: 403 };
  const p = await db.selectFrom('vehicle_procedures').selectAll().where('file_number', '=', fileNumber.toUpperCase()).executeTakeFirst();
  if (!p || p.submitted_at === null) return { ok: false, error: 'Aucune demande transmise au centre d’instruction ne porte ce numéro.', status: 404 };
  return inScope(agent, p) ? { ok: true, p } : SCOPE_ERROR;
}
