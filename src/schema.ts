import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { BackofficeTables } from './domains/instruction/tables.ts';
import type { VehiclesTables } from './domains/vehicles/tables.ts';
import type { PaymentTables } from './platform/payment/tables.ts';
import type { FileTables } from './platform/files/tables.ts';
import type { StampTables } from './domains/stamps/tables.ts';
import type { IdentityDocsTables } from './domains/identity-docs/tables.ts';
import type { LicenceTables } from './domains/licences/tables.ts';
import type { DirectoryTables } from './domains/directory/tables.ts';
import type { HelpTables } from './domains/help/tables.ts';
import type { NewsTables } from './domains/site/news-tables.ts';
import type { ClosureTables } from './domains/site/closure/tables.ts';

import type { Json, Timestamp } from './platform/db/column-types.ts';

export type { Json, Timestamp };

/** Kysely table types; they mirror migrations/*.sql. */

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
  /** the account the message was for (the user's notification page), and the page it links to */
  account_id: Generated<number | null>;
  link: Generated<string | null>;
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

export type Profile =
  | 'individual'
  | 'automotive_professional'
  | 'driving_school'
  | 'road_safety_centre'
  | 'town_hall'
  | 'legal_entity';
export type AccountStatus = 'pending_activation' | 'active' | 'suspended' | 'deactivated';
export type TokenPurpose = 'activation' | 'password_reset' | 'set_password' | 'link_franceconnect';
export type AgentRole = 'instruction_centre' | 'licence_service' | 'prefecture' | 'operator';
export type HabilitationStatus = 'requested' | 'validated' | 'refused' | 'suspended' | 'terminated';

export interface AccountsTable {
  id: Generated<number>;
  profile: Profile;
  email: string;
  password_hash: string | null;
  status: AccountStatus;
  certified: Generated<boolean>;
  given_name: string | null;
  family_name: string | null;
  mobile_phone: Generated<string | null>;
  organisation_name: string | null;
  approval_number: string | null;
  siret: string | null;
  commune: string | null;
  scanner_count: number | null;
  terms_version: string | null;
  terms_sha256: string | null;
  terms_accepted_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  created_at: Generated<Date>;
  activated_at: Date | null;
  suspended_until: Date | null;
  suspension_reason: string | null;
}

export interface AccountTokensTable {
  token_hash: string;
  account_id: number;
  purpose: TokenPurpose;
  payload: Json<Record<string, unknown> | null> | null;
  expires_at: Timestamp;
  used_at: Date | null;
  created_at: Generated<Date>;
}

export interface FranceconnectIdentitiesTable {
  sub: string;
  account_id: number;
  given_name: string;
  family_name: string;
  birthdate: string;
  gender: string;
  birthplace: string;
  birthcountry: string;
  email: string;
  linked_at: Generated<Date>;
  last_login_at: Date | null;
}

export interface ConnectionHistoryTable {
  id: Generated<number>;
  account_id: number;
  at: Generated<Date>;
  ip: string;
  method: 'password' | 'franceconnect';
  user_agent: string | null;
}

export interface SignInThrottleTable {
  key: string;
  failures: number;
  locked_until: Date | null;
  last_failure_at: Timestamp;
  free: number | null;
  max_lock_minutes: Generated<number>;
  admitted: Generated<boolean>;
  refused: Generated<number>;
  alerted_at: Date | null;
}

export interface AgentsTable {
  id: Generated<number>;
  email: string;
  display_name: string;
  role: AgentRole;
  scope: string | null;
  password_hash: string;
  status: Generated<'active' | 'disabled'>;
  created_at: Generated<Date>;
  /** TOTP secret, AES-256-GCM encrypted (domains/agents/totp.ts); confirmed once a first code is typed */
  totp_secret: string | null;
  totp_confirmed_at: Date | null;
  totp_last_step: number | null;
}

export interface SivHabilitationsTable {
  id: Generated<number>;
  company_name: string;
  siret: string;
  habilitation_number: string;
  department: string;
  contact_given_name: string;
  contact_family_name: string;
  email: string;
  status: HabilitationStatus;
  account_id: number | null;
  decided_by: number | null;
  decided_at: Date | null;
  decision_reason: string | null;
  terms_version: string;
  terms_sha256: string;
  terms_accepted_at: Timestamp;
  created_at: Generated<Date>;
}

export interface AuditEventsTable {
  id: Generated<number>;
  at: Generated<Date>;
  actor_kind: 'user' | 'agent' | 'system';
  actor_id: number | null;
  action: string;
  subject_kind: string | null;
  subject_id: number | null;
  ip: string | null;
  details: Json<Record<string, unknown>>;
  /** hash chain (platform/audit.ts): place in the chain, the previous row's hash, and this row's; null until sealed */
  seq: number | null;
  prev_hash: string | null;
  hash: string | null;
}

/**
 * The whole database. Each later domain keeps its table types in its own file
 * (domains/<name>/tables.ts) and adds its interface to this `extends` list.
 */
export interface DB extends VehiclesTables, BackofficeTables, PaymentTables, FileTables, StampTables, IdentityDocsTables, LicenceTables, DirectoryTables, HelpTables, NewsTables, ClosureTables {
  accounts: AccountsTable;
  account_tokens: AccountTokensTable;
  franceconnect_identities: FranceconnectIdentitiesTable;
  connection_history: ConnectionHistoryTable;
  sign_in_throttle: SignInThrottleTable;
  agents: AgentsTable;
  siv_habilitations: SivHabilitationsTable;
  audit_events: AuditEventsTable;
  sessions: SessionsTable;
  jobs: JobsTable;
  outgoing_messages: OutgoingMessagesTable;
  maintenance_notices: MaintenanceNoticesTable;
}

export type MaintenanceNotice = Selectable<MaintenanceNoticesTable>;
export type NewMaintenanceNotice = Insertable<MaintenanceNoticesTable>;
export type OutgoingMessage = Selectable<OutgoingMessagesTable>;
export type Account = Selectable<AccountsTable>;
export type Agent = Selectable<AgentsTable>;
export type SivHabilitation = Selectable<SivHabilitationsTable>;
