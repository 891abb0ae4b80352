import type { Generated, Selectable } from 'kysely';
import type { Timestamp } from '../../platform/db/schema.ts';

/** Mirrors migrations/0010_directory_help_contact.sql (contact requests). */
export type ContactTopic = 'account' | 'vehicle' | 'licence' | 'identity' | 'other';
export type ContactStatus = 'open' | 'answered';
export interface ContactRequestsTable {
  id: Generated<number>;
  reference: string;
  account_id: number;
  topic: ContactTopic;
  subject: string;
  message: string;
  file_number: string | null;
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
