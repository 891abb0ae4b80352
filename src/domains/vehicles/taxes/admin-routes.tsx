import type { FastifyInstance } from 'fastify';
import { parisDay } from '../../../platform/time.ts';
import { TaxRatesPage } from './admin-pages.tsx';
import { agentGuard } from '../../agents/routes.tsx';
import type { AgentsService } from '../../agents/service.ts';
import type { TaxAdmin } from './admin.ts';

type Body = Record<string, string | undefined>;

/** /agents/taxes: operators read and schedule the tax rates. */
export function registerTaxAdminRoutes(app: FastifyInstance, agents: AgentsService, taxes: TaxAdmin): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', agentGuard(agents));
    scope.addHook('preHandler', async (request, reply) => {
      if (reply.sent || taxes.isOperator(request.agent!)) return;
      request.session.flash('error', 'Les taux des taxes sont gérés par les opérateurs de l’agence.');
      return reply.redirect('/agents', 303);
    });
    const page = async (values: Body, errors: Record<string, string>) => {
      const today = parisDay(new Date());
      return <TaxRatesPage {...await taxes.list(today)} today={today} values={values} errors={errors} />;
    };
    scope.get('/agents/taxes', async (_request, reply) => reply.render(await page({}, {})));
    scope.post('/agents/taxes', async (request, reply) => {
      const form = (request.body ?? {}) as Body;
      const outcome = await taxes.schedule(request.agent!, form, parisDay(new Date()), request.ip);
      if (!outcome.ok) return reply.render(await page(form, outcome.errors), 400);
      request.session.flash('success', 'Le taux est programmé.');
      return reply.redirect('/agents/taxes', 303);
    });
  });
}
