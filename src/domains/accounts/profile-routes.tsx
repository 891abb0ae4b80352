import type { FastifyInstance } from 'fastify';
import { PROFILES } from './model.ts';
import { CAPABILITY_LABELS, capabilityOf, INSTEAD, may, PROFILE_CAPABILITIES } from './profiles.ts';
import { ProfileRefusedPage } from './pages/profile-refused.tsx';

/**
 * Refuses a signed-in account the spaces and procedure starts its profile does not have (profiles.ts):
 * a French 403 page saying what the account can do, or the equivalent space (a town hall's desk).
 * Registered before the domains' routes, so that it runs before each of their handlers.
 */
export function registerProfileGuard(app: FastifyInstance): void {
  app.addHook('preHandler', async (request, reply) => {
    // the account is read with the session (one query); an agent's session has none
    const account = request.session?.userId != null && !request.session.get('agentId') ? request.session.account : null;
    if (!account) return;
    // the route as declared (not the URL as typed: a trailing slash, an encoded letter or a query string change nothing)
    const capability = capabilityOf(request.routeOptions.url ?? '');
    if (!capability || may(account.profile, capability)) return;
    const instead = INSTEAD[account.profile]?.[capability];
    if (instead) return reply.redirect(instead, 303);
    return reply.render(
      <ProfileRefusedPage
        profile={PROFILES[account.profile].label}
        refused={CAPABILITY_LABELS[capability].title}
        allowed={PROFILE_CAPABILITIES[account.profile].map((c) => CAPABILITY_LABELS[c])}
      />,
      403,
    );
  });
}
