import type { Generated, Selectable } from 'kysely';

/** Mirrors migrations/0027_service_closure.sql. */
export interface ServiceClosuresTable {
  id: Generated<number>;
  ends_at: Date;
  announced_at: Date;
  announced_by: string;
  accounts_deleted_at: Date | null;
}
export interface ClosureTables {
  service_closures: ServiceClosuresTable;
}
export type ServiceClosure = Selectable<ServiceClosuresTable>;
