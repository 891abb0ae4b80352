import type { Expression } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Actor } from '../../../platform/audit.ts';
import { dateOfJson, sessionCompanion } from '../../../platform/http/session-companion.ts';
import type { Db } from '../../../platform/db/database.ts';
import { prepareQuery } from '../../../platform/db/prepared.ts';
import type { Account } from '../../../schema.ts';
import { unreadCountColumn } from '../../instruction/threads.ts';
import { enterCode, requestNewCode } from '../confidential-code/service.ts';
import type { VehicleDeps } from '../deps.ts';
import { isOwnAccount } from '../registry/ownership.ts';
import type { IssuedDocumentKind, VehicleProcedure } from '../tables.ts';
import { holderOf, ownProcedure } from './lookup.ts';
import { STATUS_GROUPS } from './model.ts';
import { PROCEDURE_LABELS } from './requirements.ts';
import { startProcedure } from './start.ts';
import { applyTransition } from './transitions.ts';

/** The procedures of "Mon espace véhicule", the latest first, with the agents' unread messages of each. */
function procedureRows(db: Db, accountId: number | Expression<number | null>) {
  return db
    .selectFrom('vehicle_procedures')
    .leftJoin('vehicles', 'vehicles.id', 'vehicle_procedures.vehicle_id')
    .select(['vehicle_procedures.id', 'vehicle_procedures.file_number', 'vehicle_procedures.kind', 'vehicle_procedures.status', 'vehicle_procedures.submitted_at', 'vehicle_procedures.updated_at', 'vehicles.plate'])
    .select(unreadCountColumn('vehicle_procedure', 'vehicle_procedures.id', 'user').as('unread')) // the agents' unread messages, in the same query
    .where('vehicle_procedures.account_id', '=', accountId)
    .orderBy('vehicle_procedures.updated_at', 'desc')
    .limit(200);
}

type ProcedureRow = Awaited<ReturnType<ReturnType<typeof procedureRows>['execute']>>[number];

/** The rows grouped as the "panier" shows them. */
function groupProcedures(rows: ProcedureRow[]) {
  return Object.fromEntries(
    Object.entries(STATUS_GROUPS).map(([key, group]) => [key, rows.filter((r) => (group.statuses as readonly string[]).includes(r.status))]),
  ) as Record<keyof typeof STATUS_GROUPS, ProcedureRow[]>;
}

/**
 * "Mon espace véhicule": the account's procedures, grouped as the "panier" shows them (its query
 * prepared once per process: every signed-in visit of the space runs it, unless it came with the
 * session: vehicleSpaceWithSession).
 */
export function procedureLister(db: Db) {
  const query = prepareQuery(db, (accountId: number) => procedureRows(db, accountId));
  return async (account: Account) => groupProcedures(await query.execute(account.id));
}

/** The same list, read in the statement that reads the session (one round trip for the page: session-companion.ts). */
export const vehicleSpaceWithSession = sessionCompanion({
  name: 'Mon espace véhicule',
  select: (db, userId) => jsonArrayFrom(procedureRows(db, userId)),
  decode: (value) =>
    groupProcedures(
      (value as (Omit<ProcedureRow, 'submitted_at' | 'updated_at'> & { submitted_at: string | null; updated_at: string })[]).map((r) => ({
        ...r,
        submitted_at: dateOfJson(r.submitted_at),
        updated_at: dateOfJson(r.updated_at),
      })),
    ),
});

/** "Abandonner la démarche": the `cancel` transition of the state machine, refused from a finished status. */
export async function cancelProcedure(deps: Pick<VehicleDeps, 'db' | 'config'>, account: Account, fileNumber: string, actor: Actor): Promise<boolean> {
  const procedure = await ownProcedure(deps.db, account, fileNumber);
  if (!procedure) return false;
  const moved = await deps.db.transaction().execute((trx) => applyTransition(trx, deps.config, procedure, 'cancel', actor));
  return moved.ok;
}

/** What the procedure page may show: the vehicle, and its holder only once the code (or identity) is proven. */
export async function procedureDetails(deps: Pick<VehicleDeps, 'db'>, procedure: VehicleProcedure, account: Account) {
  const { db } = deps;
  // the vehicle and its confidential code's lock in one query
  const { code_locked_until: lockedUntil, ...vehicle } = await db
    .selectFrom('vehicles as v')
    .leftJoin('confidential_codes as c', 'c.vehicle_id', 'v.id')
    .selectAll('v')
    .select('c.locked_until as code_locked_until')
    .where('v.id', '=', procedure.vehicle_id)
    .executeTakeFirstOrThrow();
  const current = await holderOf(db, vehicle);
  // A change of holder proves the buyer's right, not the holder's: its own pages show the former holder once proven.
  const holder = procedure.code_verified && procedure.kind !== 'holder_change' ? current : null;
  const suspended = procedure.status === 'awaiting_code' && lockedUntil && lockedUntil > new Date() && !(await isOwnAccount(db, account, current)) ? lockedUntil : null;
  return { vehicle, holder, lockedUntil: suspended, label: PROCEDURE_LABELS[procedure.kind] };
}

/** The latest document of this kind issued for the procedure. */
export const issuedDocument = (deps: Pick<VehicleDeps, 'db'>, procedure: VehicleProcedure, kind: IssuedDocumentKind) =>
  deps.db.selectFrom('issued_documents').select(['kind', 'token', 'content']).where('procedure_id', '=', procedure.id).where('kind', '=', kind).orderBy('issued_at', 'desc').executeTakeFirst();

/** Vehicle procedures, as the routes call them: each use case bound to its dependencies. */
export function createVehiclesService(deps: Pick<VehicleDeps, 'db' | 'config'>) {
  return {
    list: procedureLister(deps.db),
    procedure: (account: Account, fileNumber: string) => ownProcedure(deps.db, account, fileNumber),
    start: (account: Account, input: Record<string, unknown>, actor: Actor) => startProcedure(deps, account, input, actor),
    enterCode: (account: Account, fileNumber: string, code: string, actor: Actor) => enterCode(deps, account, fileNumber, code, actor),
    requestNewCode: (account: Account, fileNumber: string, input: Record<string, unknown>, actor: Actor) => requestNewCode(deps, account, fileNumber, input, actor),
    cancel: (account: Account, fileNumber: string, actor: Actor) => cancelProcedure(deps, account, fileNumber, actor),
    issuedDocument: (procedure: VehicleProcedure, kind: IssuedDocumentKind) => issuedDocument(deps, procedure, kind),
    details: (procedure: VehicleProcedure, account: Account) => procedureDetails(deps, procedure, account),
  };
}

export type VehiclesService = ReturnType<typeof createVehiclesService>;
