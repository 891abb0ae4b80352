import { audit } from '../../platform/audit.ts';
import type { Agent } from '../../schema.ts';
import type { VehicleDeps } from '../vehicles/deps.ts';
import { agentActionsFor, STATUS_LABELS } from '../vehicles/procedures/model.ts';
import { agentActor, findRequest, type InstructionError } from './vehicle-access.ts';

/** "Prendre la demande": one agent at a time decides a request; a taken one is refused to others. */
export async function takeRequest(deps: Pick<VehicleDeps, 'db'>, agent: Agent, fileNumber: string, ip: string): Promise<{ ok: true } | InstructionError> {
  const { db } = deps;
  const found = await findRequest(db, agent, fileNumber);
  if (!found.ok) return found;
  const p = found.p;
  if (!agentActionsFor(p.kind, p.status).length) return { ok: false, error: `Cette demande est « ${STATUS_LABELS[p.status]} » : il n’y a rien à décider.`, status: 409 };
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('vehicle_procedures')
      .set({ assigned_agent_id: agent.id, assigned_at: new Date() })
      .where('id', '=', p.id)
      .where((eb) => eb.or([eb('assigned_agent_id', 'is', null), eb('assigned_agent_id', '=', agent.id)]))
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return { ok: false as const, error: 'Un autre agent a déjà pris cette demande.', status: 409 as const };
    await audit(trx, agentActor(agent, ip), 'agent.took_request', { kind: 'vehicle_procedure', id: p.id }, { file_number: p.file_number });
    return { ok: true as const };
  });
}

/** "Rendre la demande": only the agent who took it. */
export async function releaseRequest(deps: Pick<VehicleDeps, 'db'>, agent: Agent, fileNumber: string, ip: string): Promise<{ ok: true } | InstructionError> {
  const { db } = deps;
  const found = await findRequest(db, agent, fileNumber);
  if (!found.ok) return found;
  return db.transaction().execute(async (trx) => {
    const r = await trx.updateTable('vehicle_procedures').set({ assigned_agent_id: null, assigned_at: null }).where('id', '=', found.p.id).where('assigned_agent_id', '=', agent.id).executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return { ok: false as const, error: 'Vous n’aviez pas pris cette demande.', status: 409 as const };
    await audit(trx, agentActor(agent, ip), 'agent.released_request', { kind: 'vehicle_procedure', id: found.p.id }, { file_number: found.p.file_number });
    return { ok: true as const };
  });
}
