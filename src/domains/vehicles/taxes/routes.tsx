import type { FastifyInstance } from 'fastify';
import { TaxSimulatorPage } from './pages.tsx';
import { simulatorInput, type TaxService } from './service.ts';

/** The public tax simulator: a GET form, so results can be bookmarked and work without JavaScript. */
export function registerTaxRoutes(app: FastifyInstance, taxes: TaxService): void {
  app.get('/simulateur-taxes', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const regions = await taxes.regions();
    // the first visit has no query; a submitted form, even empty, is checked and its errors shown
    if (Object.keys(query).length === 0) return reply.render(<TaxSimulatorPage regions={regions} values={{}} errors={{}} lines={null} />);
    const today = new Date().toISOString().slice(0, 10);
    const input = await simulatorInput(taxes, query, today);
    if (!input.ok) return reply.render(<TaxSimulatorPage regions={regions} values={query} errors={input.errors} lines={null} />, 400);
    return reply.render(<TaxSimulatorPage regions={regions} values={query} errors={{}} lines={await taxes.compute(input.input)} />);
  });
}
