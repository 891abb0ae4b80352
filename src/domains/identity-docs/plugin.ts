import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { StampService } from '../stamps/service.ts';
import { registerPreApplicationRoutes } from './routes.tsx';
import { createPreApplicationService, type PreApplicationService } from './service.ts';

/** ID card and passport pre-applications; returns the service whose reminders the job worker sends. */
export function registerIdentityDocs(app: FastifyInstance, deps: { db: Db; config: Config; stamps: StampService; accounts: AccountsService }): PreApplicationService {
  const preApplications = createPreApplicationService({ db: deps.db, config: deps.config, stamps: deps.stamps });
  registerPreApplicationRoutes(app, preApplications, deps.accounts);
  return preApplications;
}
