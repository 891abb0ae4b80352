import { audit } from '../../platform/audit.ts';
import { notifyUser } from '../../platform/notify/notify.ts';
import type { Agent } from '../../schema.ts';
import type { VehicleDeps } from '../vehicles/deps.ts';
import { PROCEDURE_LABELS } from '../vehicles/procedures/requirements.ts';
import { agentActor, findRequest, requestOwner, type InstructionError } from './vehicle-access.ts';
import { MESSAGE_MAX, postMessage } from './threads.ts';

/** A message to the user, who is told by email (without its content: it may hold personal data). */
export async function messageUser(deps: Pick<VehicleDeps, 'db' | 'config'>, agent: Agent, fileNumber: string, body: string, ip: string): Promise<{ ok: true } | InstructionError | { ok: false; errors: Record<string, string> }> {
  const { db, config } = deps;
  const found = await findRequest(db, agent, fileNumber);
  if (!found.ok) return found;
  const p = found.p;
  const text = body.trim();
  if (!text) return { ok: false, errors: { message: 'Écrivez votre message' } };
  if (text.length > MESSAGE_MAX) return { ok: false, errors: { message: `Le message ne doit pas dépasser ${MESSAGE_MAX} caractères` } };
  await db.transaction().execute(async (trx) => {
    const id = await postMessage(trx, requestOwner(p), { kind: 'agent', agentId: agent.id }, text);
    await notifyUser(trx, {
      accountId: p.account_id,
      subject: `Nouveau message du centre d’instruction (${PROCEDURE_LABELS[p.kind]} ${p.file_number})`,
      text: 'Le centre d’instruction vous a écrit au sujet de votre demande. Lisez son message sur la page de votre demande ; vous pouvez y répondre.',
      link: `${config.publicUrl}/vehicules/demandes/${p.file_number}`,
      dedupeKey: `request-message:${id}`,
    });
    await audit(trx, agentActor(agent, ip), 'agent.messaged_user', { kind: 'vehicle_procedure', id: p.id }, { file_number: p.file_number, message: id });
  });
  return { ok: true };
}
