import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';

/** Kysely table types; they mirror migrations/*.sql. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface SessionsTable {
  id_hash: string;
  data: Json<Record<string, unknown>>;
  user_id: number | null;
  created_at: Generated<Date>;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  payload: Json<unknown>;
  dedupe_key: string | null;
  run_at: Timestamp;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  locked_until: Date | null;
  last_error: string | null;
  done_at: Date | null;
  failed_at: Date | null;
  created_at: Generated<Date>;
}

export interface OutgoingMessagesTable {
  id: Generated<number>;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string | null;
  body_text: string;
  body_html: string | null;
  transport: 'outbox' | 'smtp' | 'sms';
  status: 'sent' | 'failed';
  provider_id: string | null;
  error: string | null;
  job_id: number | null;
  created_at: Generated<Date>;
}

export interface MaintenanceNoticesTable {
  id: Generated<number>;
  kind: 'banner' | 'unavailable';
  message: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  created_by: string;
  created_at: Generated<Date>;
  cancelled_at: Date | null;
}

export interface DB {
  sessions: SessionsTable;
  jobs: JobsTable;
  outgoing_messages: OutgoingMessagesTable;
  maintenance_notices: MaintenanceNoticesTable;
}

export type MaintenanceNotice = Selectable<MaintenanceNoticesTable>;
export type NewMaintenanceNotice = Insertable<MaintenanceNoticesTable>;
export type OutgoingMessage = Selectable<OutgoingMessagesTable>;
