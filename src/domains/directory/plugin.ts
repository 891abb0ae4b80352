import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/database.ts';
import { registerDirectoryRoutes } from './routes.tsx';
import { createDirectoryService } from './service.ts';

/** The directory of places (town halls, photographers, professionals), with its map. */
export async function registerDirectory(app: FastifyInstance, deps: { db: Db; config: Config }): Promise<void> {
  await registerDirectoryRoutes(app, createDirectoryService({ db: deps.db }), deps.config.map);
}
