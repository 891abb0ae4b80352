import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Attachments } from '../../platform/files/attachments.ts';

/**
 * What the vehicle use cases may be given. Each use case is a named function that takes only the
 * part it needs (`deps: Pick<VehicleDeps, 'db' | 'config'>`) plus its inputs; a domain's
 * `createXService(deps)` only binds them for the routes.
 */
export interface VehicleDeps {
  db: Db;
  config: Config;
  attachments: Attachments;
}
