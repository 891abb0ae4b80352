import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { StampService } from '../stamps/service.ts';

/** Everything the pre-application use cases may need; each one takes only its part (`Pick<PreApplicationDeps, …>`). */
export interface PreApplicationDeps {
  db: Db;
  config: Pick<Config, 'publicUrl'>;
  stamps: StampService;
}

/** A posted form, as the routes pass it on. */
export type Input = Record<string, string | undefined>;
export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: Record<string, string> };

/** The user's page of a pre-application (links of notifications). */
export const userLink = (config: Pick<Config, 'publicUrl'>, p: { id: number }) => `${config.publicUrl}/pre-demandes/${p.id}`;
/** The town hall's page of a number (the QR code of the summary carries it). */
export const retrievalUrl = (config: Pick<Config, 'publicUrl'>, number: string) => `${config.publicUrl}/mairie/pre-demandes/${number}`;
