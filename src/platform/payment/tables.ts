import type { Generated, Selectable } from 'kysely';
import type { Timestamp } from '../db/schema.ts';

export type PaymentStatus = 'created' | 'started' | 'submitted' | 'success' | 'failed' | 'cancelled' | 'error' | 'expired';

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

export interface PaymentTables {
  payments: PaymentsTable;
  payment_notifications: PaymentNotificationsTable;
  simulated_provider_transactions: SimulatedProviderTransactionsTable;
}
export type Payment = Selectable<PaymentsTable>;
