import type { ColumnType, Generated, Selectable } from 'kysely';
import type { Json, Timestamp } from '../../platform/db/column-types.ts';

/** Table types of the vehicles domain; mirrors migrations/0003_vehicles.sql. */
type DateColumn = ColumnType<Date, Date | string, Date | string>;

export interface VehicleHoldersTable {
  id: Generated<number>;
  kind: 'natural' | 'legal';
  birth_name: string | null;
  usage_name: string | null;
  given_names: string | null;
  birth_date: ColumnType<Date | null, Date | string | null, Date | string | null>;
  birth_place: string | null;
  company_name: string | null;
  siren: string | null;
  address_line1: string;
  address_line2: string | null;
  postcode: string;
  commune: string;
  country: Generated<string>;
  email: string | null;
  account_id: number | null;
}

export interface VehiclesTable {
  id: Generated<number>;
  plate: string;
  plate_kind: 'siv' | 'fni';
  vin: string;
  certificate_number: string | null;
  certificate_date: DateColumn;
  first_registration_date: DateColumn;
  category: string;
  fiscal_power: number;
  energy: string;
  /** certificate codes D.1, D.2, D.3, J.1, J.3, F.2 (kg), P.1 (cm³), S.1, V.7 (g/km): migration 0022, null when not imported */
  brand: Generated<string | null>;
  type_variant: Generated<string | null>;
  commercial_name: Generated<string | null>;
  national_genre: Generated<string | null>;
  body_type: Generated<string | null>;
  gross_weight_kg: Generated<number | null>;
  engine_cc: Generated<number | null>;
  seats: Generated<number | null>;
  co2_g_km: Generated<number | null>;
  holder_id: number;
  long_term_lease: Generated<boolean>;
  previous_title_address: string | null;
  address_changes_since_siv: Generated<number>;
  /** the theft of the certificate as recorded in the SIV (migration 0028); null when none is */
  certificate_theft_recorded_on: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  sold_at: Date | null;
  created_at: Generated<Date>;
}

export interface VehicleCoHoldersTable {
  vehicle_id: number;
  holder_id: number;
}

export type EncumbranceKind = 'gage' | 'otci_judiciaire' | 'otci_huissier' | 'otci_tresor' | 'otci_vei';
export interface VehicleEncumbrancesTable {
  id: Generated<number>;
  vehicle_id: number;
  kind: EncumbranceKind;
  registered_at: DateColumn;
  lifted_at: ColumnType<Date | null, Date | string | null, Date | string | null>;
}

export interface ConfidentialCodesTable {
  vehicle_id: number;
  certificate_number: string | null;
  code_hash: string;
  issued_at: Generated<Date>;
  failed_attempts: Generated<number>;
  locked_until: Date | null;
  /** last letter carrying a new code (a request or a new certificate), 0014: one a month */
  code_letter_at: Generated<Date | null>;
  /** last letter warning of the per-vehicle cap of wrong codes (0014): one a month */
  cap_letter_at: Generated<Date | null>;
  /** the code before a reissue asked by someone not proven the holder, still valid until the new one is used (0017) */
  previous_code_hash: Generated<string | null>;
  previous_valid_until: Generated<Date | null>;
}

export interface PostalLettersTable {
  id: Generated<number>;
  recipient_lines: Json<string[]>;
  subject: string;
  body: string;
  pdf: Buffer | null;
  status: Generated<'queued' | 'sent'>;
  vehicle_id: number | null;
  created_at: Generated<Date>;
  sent_at: Date | null;
}

export type ProcedureKind = 'address_change' | 'duplicate' | 'sale_declaration' | 'holder_change' | 'complementary';
export type ProcedureStatus = 'awaiting_code' | 'in_progress' | 'awaiting_review' | 'to_complete' | 'awaiting_payment' | 'completed' | 'rejected' | 'cancelled';
export interface VehicleProceduresTable {
  id: Generated<number>;
  file_number: string;
  account_id: number;
  kind: ProcedureKind;
  initiator: 'self' | 'other';
  /** null only for a complementary procedure about a vehicle not in the registry (0013) */
  vehicle_id: number | null;
  status: ProcedureStatus;
  code_verified: Generated<boolean>;
  data: Json<Record<string, unknown>>;
  created_at: Generated<Date>;
  updated_at: Timestamp;
  /** last sent to the instruction centre (0009) */
  submitted_at: Generated<Date | null>;
  department: Generated<string | null>;
  assigned_agent_id: Generated<number | null>;
  assigned_at: Generated<Date | null>;
  /** what the instruction centre told the user last (complement asked, rejection reason) */
  decision_note: Generated<string | null>;
  /** possession proven: the procedure holds its vehicle's one open slot of its kind (0014) */
  claimed: Generated<boolean>;
  /** the form's key: one request per account and key, whatever the number of submits (0019) */
  idempotency_key: Generated<string | null>;
  /** what the back office's search reads, normalised, written by triggers only (0029): holders' names, plate (the filing account is searched in accounts: 0033) */
  search_names: ColumnType<string | null, never, never>;
  search_plate: ColumnType<string | null, never, never>;
}

export interface InvalidatedCertificatesTable {
  certificate_number: string;
  vehicle_id: number;
  reason: 'loss' | 'theft' | 'damage' | 'replaced';
  procedure_id: number | null;
  invalidated_at: Generated<Date>;
}

export interface CessionCodesTable {
  id: Generated<number>;
  vehicle_id: number;
  procedure_id: number;
  code_hash: string;
  expires_at: Timestamp;
  used_at: Date | null;
  used_by_procedure_id: number | null;
  created_at: Generated<Date>;
}

export type IssuedDocumentKind = 'certificat_cession' | 'csa' | 'cpi' | 'recapitulatif';
export interface IssuedDocumentsTable {
  token: string;
  kind: IssuedDocumentKind;
  procedure_id: number;
  plate: string;
  content: Json<Record<string, unknown>>;
  issued_at: Generated<Date>;
  /** the size of its PDF, measured when issued (migration 0031); null on documents issued before */
  pdf_bytes: number | null;
}

export type TaxRateKind = 'regional_per_cv' | 'regional_ev_reduction' | 'transport' | 'fixed' | 'delivery';
export interface TaxRatesTable {
  id: Generated<number>;
  kind: TaxRateKind;
  key: string;
  effective_from: DateColumn;
  amount_cents: number;
  verified: Generated<boolean>;
  source: string;
  updated_by: Generated<string>;
  updated_at: Generated<Date>;
}

export interface RegionsTable {
  code: string;
  name: string;
}

export interface VehiclesTables {
  tax_rates: TaxRatesTable;
  regions: RegionsTable;
  cession_codes: CessionCodesTable;
  issued_documents: IssuedDocumentsTable;
  vehicle_holders: VehicleHoldersTable;
  vehicles: VehiclesTable;
  vehicle_co_holders: VehicleCoHoldersTable;
  vehicle_encumbrances: VehicleEncumbrancesTable;
  confidential_codes: ConfidentialCodesTable;
  postal_letters: PostalLettersTable;
  vehicle_procedures: VehicleProceduresTable;
  invalidated_certificates: InvalidatedCertificatesTable;
}

export type Vehicle = Selectable<VehiclesTable>;
export type VehicleHolder = Selectable<VehicleHoldersTable>;
export type VehicleProcedure = Selectable<VehicleProceduresTable>;
