import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Attachments } from '../../platform/files/attachments.ts';
import type { StampService } from '../stamps/service.ts';
import type { PhotoService } from './photo-service.ts';

/** The stamp service as this domain uses it (src/domains/stamps, wired as app.stamps). */
export type StampPort = Pick<StampService, 'check' | 'consume'>;

/** Everything the licence use cases may need; each one takes only its part (`Pick<LicencesDeps, …>`). */
export interface LicencesDeps {
  db: Db;
  config: Config;
  attachments: Attachments;
  photos: PhotoService;
  stamps: StampPort;
}

/** A posted form, as the routes pass it on. */
export type Input = Record<string, string | string[] | undefined>;
export const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
export const many = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((s) => s !== '');
