import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Attachments } from '../../platform/files/attachments.ts';
import type { AgentsService } from '../agents/service.ts';
import { registerStampRefundRoutes } from './refund-routes.tsx';
import { createStampRefunds } from './refund-service.ts';
import { registerStampRoutes } from './routes.tsx';
import type { StampService } from './service.ts';

/** The demo shop of fiscal stamps and its refunds: the embedded mode's stand-in, never in production. */
export function registerStamps(app: FastifyInstance, deps: { db: Db; config: Config; stamps: StampService; agents: AgentsService; attachments: Attachments }): void {
  if (deps.config.isProduction) return;
  registerStampRoutes(app, deps.stamps);
  registerStampRefundRoutes(app, createStampRefunds({ db: deps.db, config: deps.config, stamps: deps.stamps, attachments: deps.attachments }), deps.agents, deps.attachments);
}
