import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { MaintenanceService } from '../site/maintenance-service.ts';
import { registerNotificationLogRoutes } from './notification-log-routes.tsx';
import { registerPaymentRefundRoutes } from './payment-refunds-routes.tsx';
import { registerAgentRoutes } from './routes.tsx';
import { createAgentsService, type AgentsService } from './service.ts';

/** The back office's agents: sign-in (TOTP), habilitations, administration; returns the service the other back offices guard with. */
export function registerAgents(app: FastifyInstance, deps: { db: Db; config: Config; maintenance: MaintenanceService; searchDb: Db }): AgentsService {
  const agents = createAgentsService(deps);
  registerAgentRoutes(app, agents);
  registerNotificationLogRoutes(app, agents);
  registerPaymentRefundRoutes(app, agents);
  return agents;
}
