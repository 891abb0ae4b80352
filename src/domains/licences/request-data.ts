import { randomInt } from 'node:crypto';
import type { Db } from '../../platform/db/database.ts';
import { reasonNeedsPhoto, RETENTION_MONTHS, stampAmountCents, STATUS_KEYS, STATUSES, type Category, type Status, type Step } from './model.ts';
import type { LicenceData, LicenceRequest } from './tables.ts';

/** The owner kind of a request's pieces in the attachments table. */
export const OWNER_KIND = 'licence_request';
export const ownerOf = (r: { id: number }) => ({ kind: OWNER_KIND, id: r.id });

export function newLicenceFileNumber(): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  return `P${String(new Date().getUTCFullYear()).slice(2)}-${Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]).join('')}`;
}

/** Today, "YYYY-MM-DD" (UTC), against which ages and dates of the form are checked. */
export const today = () => new Date().toISOString().slice(0, 10);

export const dataOf = (r: LicenceRequest): LicenceData => (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as LicenceData;
export const categoriesOf = (r: LicenceRequest): Category[] => (dataOf(r).details?.categories ?? []) as Category[];
export const feeOf = (r: LicenceRequest): number => stampAmountCents(r.reason, dataOf(r).identity?.postcode);
export const deletionDate = (r: { created_at: Date }): Date => {
  const d = new Date(r.created_at);
  d.setUTCMonth(d.getUTCMonth() + RETENTION_MONTHS);
  return d;
};
export const statusLabel = (s: Status): string => (STATUS_KEYS.includes(s) ? STATUSES[s].label : s);

/** Which steps are complete, and the first one still to do (where "Reprendre" goes). */
export function progress(r: LicenceRequest): { done: Record<Exclude<Step, 'reason' | 'summary'>, boolean>; next: Step } {
  const d = dataOf(r);
  const done = {
    details: !!d.details,
    identity: !!d.identity,
    contact: !!d.contact && (!reasonNeedsPhoto(r.reason) || !!r.photo_mode),
    pieces: !!d.done?.includes('pieces'),
  };
  const next = (['details', 'identity', 'contact', 'pieces'] as const).find((s) => !done[s]) ?? 'summary';
  return { done, next };
}

/** Merges a step's answers into the request's data (and the searchable person name); never its status. */
export async function saveData(trx: Db, r: LicenceRequest, patch: Partial<LicenceData>, extra: Record<string, unknown> = {}): Promise<void> {
  const data = { ...dataOf(r), ...patch };
  const identity = data.identity;
  await trx
    .updateTable('licence_requests')
    .set({ data: JSON.stringify(data), updated_at: new Date(), person_name: identity ? `${identity.family_name} ${identity.given_names}`.toUpperCase() : null, ...extra })
    .where('id', '=', r.id)
    .execute();
}
