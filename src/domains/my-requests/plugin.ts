import type { FastifyInstance } from 'fastify';
import type { Db } from '../../platform/db/database.ts';
import { registerMyRequestsRoutes } from './routes.tsx';
import { createMyRequests } from './service.ts';

/** "Mes démarches": every request of the signed-in user, whatever its domain. */
export function registerMyRequests(app: FastifyInstance, deps: { db: Db }): void {
  registerMyRequestsRoutes(app, createMyRequests({ db: deps.db }));
}
