import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { MaintenanceService } from '../site/maintenance-service.ts';

/** Everything the agents use cases may need; each takes a Pick of it (docs/decisions/0031). */
export interface AgentsDeps {
  db: Db;
  config: Pick<Config, 'publicUrl' | 'sessionSecret'>;
  maintenance: MaintenanceService;
  /** the back office's own pool for its searches (database.backOffice): they never take citizens' connections */
  searchDb: Db;
}
