import type { ColumnType, Generated } from 'kysely';

/** Table types of the back-office (instruction) domain; mirrors its migrations. */
export interface BackofficeTables {
  audit_heads: AuditHeadsTable;
  request_messages: RequestMessagesTable;
}

/** A message of a request's thread, between its user and the agents (0008). */
export interface RequestMessagesTable {
  id: Generated<number>;
  owner_kind: string;
  owner_id: number;
  author_kind: 'user' | 'agent';
  author_account_id: number | null;
  author_agent_id: number | null;
  body: string;
  /** when the other side read it */
  read_at: Date | null;
  created_at: Generated<Date>;
}

/** The audit chain's head at the end of a day (Paris time), recorded by the daily job. */
export interface AuditHeadsTable {
  /** "2026-11-25": read back as text, never as a Date shifted by a time zone */
  day: ColumnType<string, string, string>;
  last_id: number;
  hash: string;
  recorded_at: Generated<Date>;
}
