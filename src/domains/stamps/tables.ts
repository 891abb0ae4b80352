import type { Generated } from 'kysely';

/** Table types of the fiscal-stamp domain; mirrors migrations/0011_stamps_pre_applications.sql. */
export type StampStatus = 'available' | 'used' | 'refunded';

export interface FiscalStampsTable {
  id: Generated<number>;
  number_hash: string;
  last4: string;
  amount_cents: number;
  account_id: number | null;
  idempotency_key: string | null;
  purchased_at: Generated<Date>;
  status: Generated<StampStatus>;
  used_at: Date | null;
  usage: string | null;
  refunded_at: Date | null;
  refunded_by: number | null;
}

export interface StampTables {
  fiscal_stamps: FiscalStampsTable;
}
