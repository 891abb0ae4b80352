import type { Generated, Selectable } from 'kysely';
import type { Timestamp } from '../db/column-types.ts';

/** `to_refund`: the provider charged the card for a procedure already paid (refunded by an operator, then `refunded`). */
export type PaymentStatus = 'created' | 'started' | 'submitted' | 'success' | 'failed' | 'cancelled' | 'error' | 'expired' | 'to_refund' | 'refunded';

export interface PaymentsTable {
  id: Generated<number>;
  reference: string;
  idempotency_key: string;
  procedure_id: number;
  account_id: number;
  amount_cents: number;
  status: PaymentStatus;
  provider: string;
  provider_transaction_id: string | null;
  failure_reason: string | null;
  expires_at: Timestamp;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

export interface PaymentNotificationsTable {
  id: Generated<number>;
  reference: string;
  payload: string;
  signature_valid: boolean;
  received_at: Generated<Date>;
}

export interface SimulatedProviderTransactionsTable {
  id: string;
  reference: string;
  amount_cents: number;
  status: 'pending' | 'paid' | 'declined' | 'error' | 'cancelled';
  card_last4: string | null;
  created_at: Generated<Date>;
  updated_at: Timestamp;
}

/** A charge the portal could not use, for the operators to refund (migration 0016). */
export interface PaymentRefundsTable {
  payment_id: number;
  procedure_id: number;
  amount_cents: number;
  /** already_paid: another attempt paid the procedure; not_payable: the procedure no longer awaited payment */
  reason: 'already_paid' | 'not_payable';
  detected_at: Generated<Date>;
  refunded_at: Date | null;
  refunded_by: number | null;
}

/** Invalid notifications counted per address and window (they are not stored). */
export interface PaymentNotificationLimitsTable {
  ip: string;
  window_start: Date;
  invalid: number;
}

export interface PaymentTables {
  payments: PaymentsTable;
  payment_notifications: PaymentNotificationsTable;
  simulated_provider_transactions: SimulatedProviderTransactionsTable;
  payment_refunds: PaymentRefundsTable;
  payment_notification_limits: PaymentNotificationLimitsTable;
}
export type Payment = Selectable<PaymentsTable>;
