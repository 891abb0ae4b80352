import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Attachments } from '../../platform/files/attachments.ts';
import type { AccountsService } from '../accounts/service.ts';
import { createContactService } from './contact-service.ts';
import { registerHelpRoutes } from './routes.tsx';

/** The help centre and contact requests (the user's side and the operators'). */
export function registerHelp(app: FastifyInstance, deps: { db: Db; config: Config; attachments: Attachments; accounts: AccountsService }): void {
  const contact = createContactService({ db: deps.db, config: deps.config, attachments: deps.attachments });
  registerHelpRoutes(app, { contact, accounts: deps.accounts, attachments: deps.attachments });
}
