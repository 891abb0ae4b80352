import type { Generated, Selectable } from 'kysely';
import type { Json } from '../../platform/db/column-types.ts';
import type { Reason, Status, Step } from './model.ts';

/** Table types of the driving-licence domain; mirrors migrations/0012_licences.sql. */
export interface LicencePhotoCodesTable {
  id: Generated<number>;
  code_hash: string;
  photographer: string;
  issued_at: Generated<Date>;
  expires_at: Date;
  used_at: Date | null;
  used_by_request_id: number | null;
}

export interface LicenceRequestsTable {
  id: Generated<number>;
  file_number: string;
  account_id: number;
  reason: Reason;
  for_other: boolean;
  status: Generated<Status>;
  data: Json<LicenceData>;
  step: Generated<Step>;
  person_name: string | null;
  neph: string | null;
  photo_mode: 'code' | 'classic' | null;
  photo_code_id: number | null;
  fee_cents: Generated<number>;
  stamp_last4: string | null;
  idempotency_key: string;
  assigned_agent_id: number | null;
  assigned_at: Date | null;
  decision_note: string | null;
  decided_at: Date | null;
  submitted_at: Date | null;
  purge_warned_at: Date | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface LicenceNephCountersTable {
  prefix: string;
  last_order: number;
}

/** The answers kept in `data`, step by step. */
export interface LicenceData {
  details?: {
    categories?: string[];
    neph?: string;
    licence_number?: string;
    am_only?: boolean;
    country?: string;
    received_on?: string;
    correction_error?: string;
    correction_detail?: string;
    /** the validated online request (file number) that issued the title to correct */
    original_file?: string;
  };
  identity?: {
    family_name: string;
    usage_name: string;
    given_names: string;
    sex: 'F' | 'M';
    birth_date: string;
    birth_place: string;
    address_line1: string;
    postcode: string;
    commune: string;
  };
  contact?: { email: string; mobile: string };
  /** the last step the user completed (resume goes to the next one) */
  done?: string[];
}

/** migrations/0021: départements where a NEPH is reactivated on démarches-simplifiées. */
export interface NephReferencedDepartmentsTable {
  department: string;
  added_at: Generated<Date>;
  added_by: number | null;
}

export interface LicenceTables {
  neph_referenced_departments: NephReferencedDepartmentsTable;
  licence_photo_codes: LicencePhotoCodesTable;
  licence_requests: LicenceRequestsTable;
  licence_neph_counters: LicenceNephCountersTable;
}
export type LicenceRequest = Selectable<LicenceRequestsTable>;
