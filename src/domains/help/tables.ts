import type { Generated, Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/column-types.ts';

/** Mirrors migrations/0010_directory_help_contact.sql and 0023_public_contact.sql (contact requests). */
export type ContactTopic = 'account' | 'vehicle' | 'licence' | 'identity' | 'town_hall' | 'other';
export type ContactFileKind = 'vehicle' | 'licence' | 'identity';
export type ContactStatus = 'open' | 'answered';
export interface ContactRequestsTable {
  id: Generated<number>;
  reference: string;
  /** null: written without an account (migration 0023), the sender's name and email say who */
  account_id: number | null;
  sender_name: string | null;
  sender_email: string | null;
  /** the address it was sent from, when written without an account (for the operators, against abuse) */
  sender_ip: string | null;
  topic: ContactTopic;
  subject: string;
  message: string;
  file_number: string | null;
  file_kind: ContactFileKind | null;
  status: ContactStatus;
  received_at: Timestamp;
  /** a date (YYYY-MM-DD): read back as text, see the type parser note in contact-repository */
  due_on: string;
  answer: string | null;
  answered_by: number | null;
  answered_at: Date | null;
  idempotency_key: string;
}

export interface HelpTables {
  contact_requests: ContactRequestsTable;
}
export type ContactRequest = Selectable<ContactRequestsTable>;
