import type { ColumnType, Generated } from 'kysely';

/** Table types of the back-office (instruction) domain; mirrors its migrations. */
export interface BackofficeTables {
  audit_heads: AuditHeadsTable;
}

/** The audit chain's head at the end of a day (Paris time), recorded by the daily job. */
export interface AuditHeadsTable {
  /** "2026-11-25": read back as text, never as a Date shifted by a time zone */
  day: ColumnType<string, string, string>;
  last_id: number;
  hash: string;
  recorded_at: Generated<Date>;
}
