import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import { departments } from '../directory/communes-geo.ts';

/**
 * Reactivating a NEPH (driving-licence FAQ, "un code NEPH peut se désactiver sans raison
 * particulière"): where the département is referenced, on démarches-simplifiées; elsewhere, with the
 * bureau d'éducation routière of the DDT(M); 48 hours for the number to be active again. The
 * referenced départements are data kept by the licence service in the back office.
 */
export const DEMARCHES_SIMPLIFIEES_URL = 'https://www.demarches-simplifiees.fr/';
export const REACTIVATION_DELAY_HOURS = 48;

export interface NephRouting {
  department: { code: string; name: string };
  referenced: boolean;
}

export const knownDepartment = (code: string | undefined) => departments().find((d) => d.code === code);

export async function referencedDepartments(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('neph_referenced_departments').select('department').execute();
  return new Set(rows.map((r) => r.department));
}

/** Where a person of this département reactivates a NEPH, or null for an unknown département. */
export async function nephRouting(db: Db, code: string | undefined): Promise<NephRouting | null> {
  const department = knownDepartment(code);
  if (!department) return null;
  const row = await db.selectFrom('neph_referenced_departments').select('department').where('department', '=', department.code).executeTakeFirst();
  return { department: { code: department.code, name: department.name }, referenced: row !== undefined };
}

/**
 * Replaces the list of referenced départements (one form of the back office); unknown codes are
 * ignored. Audited with what was added and removed.
 */
export async function setReferencedDepartments(trx: Db, actor: Actor & { kind: 'agent' }, codes: readonly string[]): Promise<{ added: string[]; removed: string[] }> {
  const wanted = new Set(codes.filter((c) => knownDepartment(c)));
  const current = await referencedDepartments(trx);
  const added = [...wanted].filter((c) => !current.has(c)).sort();
  const removed = [...current].filter((c) => !wanted.has(c)).sort();
  if (removed.length) await trx.deleteFrom('neph_referenced_departments').where('department', 'in', removed).execute();
  if (added.length)
    await trx
      .insertInto('neph_referenced_departments')
      .values(added.map((department) => ({ department, added_by: actor.id })))
      .onConflict((oc) => oc.column('department').doNothing())
      .execute();
  if (added.length || removed.length) await audit(trx, actor, 'licence.neph_departments_changed', null, { added, removed });
  return { added, removed };
}

/** The three uses, bound to the database (app.ts passes it to the public and back-office routes). */
export function createNephReactivation(db: Db) {
  return {
    routing: (code: string | undefined) => nephRouting(db, code),
    referenced: () => referencedDepartments(db),
    set: (actor: Actor & { kind: 'agent' }, codes: readonly string[]) => db.transaction().execute((trx) => setReferencedDepartments(trx, actor, codes)),
  };
}
export type NephReactivation = ReturnType<typeof createNephReactivation>;
