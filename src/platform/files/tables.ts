import type { Generated, Selectable } from 'kysely';
import type { AcceptedMime } from './validation.ts';

/** Mirrors migrations/0008_attachments_and_messages.sql. */
export type ReviewStatus = 'pending' | 'accepted' | 'refused';
export interface AttachmentsTable {
  id: Generated<number>;
  owner_kind: string;
  owner_id: number;
  account_id: number | null;
  purpose: string;
  filename: string;
  mime: AcceptedMime;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  review_status: Generated<ReviewStatus>;
  review_reason: string | null;
  review_note: string | null;
  reviewed_by: number | null;
  reviewed_at: Date | null;
  created_at: Generated<Date>;
}

export interface FileTables {
  attachments: AttachmentsTable;
}
export type Attachment = Selectable<AttachmentsTable>;
