import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Attachments } from '../../platform/files/attachments.ts';
import type { AccountsService } from '../accounts/service.ts';
import type { StampService } from '../stamps/service.ts';
import { registerLicenceAgentRoutes } from './agent-routes.tsx';
import { createNephReactivation } from './neph-reactivation.ts';
import { createPhotoService } from './photo-service.ts';
import { registerLicenceRoutes } from './routes.tsx';
import { createLicencesService, type LicencesService } from './service.ts';

/** Driving-licence requests (the user's side and the licence service's back office); returns the service whose purge the job worker runs. */
export function registerLicences(
  app: FastifyInstance,
  deps: { db: Db; config: Config; attachments: Attachments; stamps: StampService; accounts: AccountsService },
): LicencesService {
  const { db, config, attachments, stamps, accounts } = deps;
  const photos = createPhotoService({ db, sessionSecret: config.sessionSecret });
  const licences = createLicencesService({ db, config, attachments, photos, stamps });
  const nephReactivation = createNephReactivation(db);
  registerLicenceRoutes(app, licences, photos, accounts, nephReactivation);
  registerLicenceAgentRoutes(app, licences, attachments, nephReactivation);
  return licences;
}
