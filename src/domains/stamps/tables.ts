import type { Generated } from 'kysely';

/** Table types of the fiscal-stamp domain; mirrors migrations/0011_stamps_pre_applications.sql. */
export type StampStatus = 'available' | 'used' | 'refund_requested' | 'refunded';

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
  /** the purchase's reference, asked for a refund (migration 0025) */
  transaction_ref: string;
}

/** migrations/0025: a refund asked by a user, checked by an operator. */
export interface StampRefundRequestsTable {
  id: Generated<number>;
  reference: string;
  stamp_id: number;
  account_id: number;
  channel: 'online' | 'tobacconist';
  iban: string | null;
  account_holder: string | null;
  status: Generated<'pending' | 'refunded' | 'refused'>;
  decision_note: string | null;
  decided_by: number | null;
  decided_at: Date | null;
  idempotency_key: string;
  created_at: Generated<Date>;
}

export interface StampTables {
  fiscal_stamps: FiscalStampsTable;
  stamp_refund_requests: StampRefundRequestsTable;
}
