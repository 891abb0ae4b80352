import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/database.ts';
import { createFranceConnectClient } from '../../platform/oidc/franceconnect-client.ts';
import { createActivity } from './activity.ts';
import { registerActivityRoutes } from './activity-routes.tsx';
import { registerFranceConnectRoutes } from './franceconnect-routes.tsx';
import { registerAccountRoutes } from './routes.tsx';
import type { AccountsService } from './service.ts';

/**
 * The accounts domain: sign-up, sign-in, the account pages, notifications and history, and sign-in
 * with FranceConnect (`franceConnectFetch`: the in-process fetch that reaches the built-in simulator).
 */
export function registerAccounts(
  app: FastifyInstance,
  deps: { db: Db; config: Config; accounts: AccountsService; franceConnectFetch?: typeof fetch },
): void {
  registerAccountRoutes(app, deps.accounts);
  registerActivityRoutes(app, createActivity(deps.db));
  const franceConnect = createFranceConnectClient(deps.config.franceConnect, deps.franceConnectFetch ? { fetch: deps.franceConnectFetch } : {});
  registerFranceConnectRoutes(app, franceConnect, deps.accounts);
  app.franceConnectLogoutUrl = (idToken) => franceConnect.logoutUrl(idToken, randomBytes(16).toString('base64url'));
}
