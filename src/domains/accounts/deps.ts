import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/database.ts';

/** Everything the accounts use cases may need; each takes a Pick of it (docs/decisions/0031). */
export interface AccountsDeps {
  db: Db;
  config: Pick<Config, 'publicUrl'>;
}

export const publicLink = (deps: Pick<AccountsDeps, 'config'>, path: string): string => `${deps.config.publicUrl}${path}`;
