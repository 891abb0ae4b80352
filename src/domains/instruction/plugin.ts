import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Attachments } from '../../platform/files/attachments.ts';
import type { AgentsService } from '../agents/service.ts';
import { registerInstructionRoutes } from './routes.tsx';
import { createVehicleInstruction } from './vehicle-instruction.ts';

/** The instruction centre's back office for vehicle requests. */
export function registerInstruction(app: FastifyInstance, deps: { db: Db; config: Config; attachments: Attachments; agents: AgentsService; searchDb: Db }): void {
  registerInstructionRoutes(app, deps.agents, createVehicleInstruction({ db: deps.db, config: deps.config, attachments: deps.attachments, searchDb: deps.searchDb }));
}
