import type { ColumnType, Generated, Selectable } from 'kysely';
import type { PreApplicationData, PreApplicationStatus, PreApplicationStep, TravelDocument } from './model.ts';

/** Table types of the identity-documents domain; mirrors migrations/0011_stamps_pre_applications.sql. */
export interface PreApplicationsTable {
  id: Generated<number>;
  number: string | null;
  account_id: number;
  document: TravelDocument;
  status: PreApplicationStatus;
  data: ColumnType<PreApplicationData, string | undefined, string>;
  step: Generated<PreApplicationStep>;
  fee_cents: Generated<number>;
  stamp_id: number | null;
  stamp_last4: string | null;
  idempotency_key: string;
  submitted_at: Date | null;
  expires_at: Date | null;
  town_hall_account_id: number | null;
  town_hall_name: string | null;
  taken_at: Date | null;
  application_number: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface IdentityDocsTables {
  pre_applications: PreApplicationsTable;
}
export type PreApplication = Selectable<PreApplicationsTable>;
