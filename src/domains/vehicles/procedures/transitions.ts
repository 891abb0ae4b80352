import type { Updateable } from 'kysely';
import type { Config } from '../../../config.ts';
import { auditAll, type Actor, type AuditEntry } from '../../../platform/audit.ts';
import type { Db } from '../../../platform/db/database.ts';
import { notifyUser } from '../../../platform/notify/notify.ts';
import { canApply, PROCEDURE_TRANSITIONS, type ProcedureAction } from './model.ts';
import { PROCEDURE_LABELS } from './requirements.ts';
import type { VehicleProcedure, VehicleProceduresTable } from '../tables.ts';

/** Thrown inside a transaction when the machine refuses a move, so that everything the transaction wrote rolls back. */
export class TransitionRefused extends Error {
  constructor() {
    super('transition refused');
  }
}
/** For `.then(…, refusedAsFalse)` on a transaction: a refused move is `false`, any other error goes on. */
export function refusedAsFalse(error: unknown): false {
  if (error instanceof TransitionRefused) return false;
  throw error;
}

export type TransitionResult = { ok: true; procedure: VehicleProcedure } | { ok: false; reason: 'not_allowed' | 'changed' | 'not_assigned' };

/**
 * The one way a vehicle procedure changes status: checks the transition against the state machine
 * (model.ts: from which status, for which kind, fired by whom), writes it only if nobody changed the row meanwhile (and, for an agent, only if the
 * request is assigned to them), audits it and notifies the user — in the caller's transaction.
 */
export async function applyTransition(
  trx: Db,
  config: Pick<Config, 'publicUrl'>,
  procedure: Pick<VehicleProcedure, 'id' | 'status' | 'account_id' | 'file_number' | 'kind'>,
  action: ProcedureAction,
  actor: Actor,
  opts: {
    set?: Updateable<VehicleProceduresTable>;
    details?: Record<string, unknown>;
    agentId?: number;
    /** rows of the audit trail the change completes, written after its own in the same INSERT (only when the transition applies) */
    alsoAudit?: AuditEntry[];
  } = {},
): Promise<TransitionResult> {
  const t = PROCEDURE_TRANSITIONS[action];
  if (!canApply(procedure.status, action, { kind: procedure.kind, by: actor.kind })) return { ok: false, reason: 'not_allowed' };
  let update = trx
    .updateTable('vehicle_procedures')
    .set({ ...opts.set, status: t.to, updated_at: new Date() })
    .where('id', '=', procedure.id)
    .where('status', '=', procedure.status);
  if (opts.agentId !== undefined) update = update.where('assigned_agent_id', '=', opts.agentId);
  const updated = await update.returningAll().executeTakeFirst();
  if (!updated) {
    const now = await trx.selectFrom('vehicle_procedures').select(['status', 'assigned_agent_id']).where('id', '=', procedure.id).executeTakeFirst();
    if (opts.agentId !== undefined && now?.status === procedure.status && now.assigned_agent_id !== opts.agentId) return { ok: false, reason: 'not_assigned' };
    return { ok: false, reason: 'changed' };
  }
  if ('notify' in t) {
    await notifyUser(trx, {
      accountId: procedure.account_id,
      subject: `${t.notify.subject} (${PROCEDURE_LABELS[procedure.kind]} ${procedure.file_number})`,
      text: t.notify.text,
      sms: 'sms' in t.notify && t.notify.sms,
      link: `${config.publicUrl}/vehicules/demandes/${procedure.file_number}`,
      dedupeKey: `vehicle-procedure:${procedure.id}:${action}:${updated.updated_at.getTime()}`,
    });
  }
  // the audit rows last, in one INSERT: the transition's own, then those it completes
  await auditAll(trx, actor, [
    { action: `vehicle_procedure.${action}`, subject: { kind: 'vehicle_procedure', id: procedure.id }, details: { file_number: procedure.file_number, from: procedure.status, to: t.to, ...opts.details } },
    ...(opts.alsoAudit ?? []),
  ]);
  return { ok: true, procedure: updated };
}
