import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../../platform/http/guards.ts';
import { sendToPayment } from '../../../platform/payment/routes.tsx';
import type { PaymentService } from '../../../platform/payment/service.ts';
import { AddressDonePage, AddressFormPage, AddressSummaryPage } from './pages.tsx';
import type { AddressService } from './service.ts';
import type { VehicleProcedure } from '../tables.ts';

type Body = Record<string, string | undefined>;
type Params = { Params: { file: string } };
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;

/** The steps of the change of address, inside the signed-in scope of "Mon espace véhicule". */
export function registerAddressRoutes(scope: FastifyInstance, addresses: AddressService, payments: PaymentService | null): void {
  const base = (p: VehicleProcedure) => `/vehicules/demandes/${p.file_number}/adresse`;
  async function load(request: FastifyRequest<Params>, reply: FastifyReply) {
    const p = await addresses.load(request.account!, request.params.file);
    if (!p) await reply.callNotFound();
    return p;
  }

  async function render(reply: FastifyReply, p: VehicleProcedure, errors: Record<string, string> = {}, values?: Body) {
    const state = addresses.stateOf(p);
    const { vehicle, name, current } = await addresses.facts(p);
    const status = Object.keys(errors).length ? 400 : 200;
    if (p.status !== 'in_progress') {
      const taxes = await addresses.taxLines(p);
      return reply.render(
        <AddressDonePage
          fileNumber={p.file_number}
          plate={vehicle.plate}
          outcome={state.outcome ?? 'label'}
          paid={p.status === 'completed'}
          amountCents={taxes.at(-1)!.amountCents}
          canPay={!!payments}
          idempotencyKey={randomBytes(16).toString('base64url')}
        />,
      );
    }
    if (state.step === 'summary' && state.proposed) {
      const taxes = await addresses.taxLines(p);
      const certificate = taxes.find((l) => l.field === 'Y.5')!.amountCents > 0;
      return reply.render(<AddressSummaryPage fileNumber={p.file_number} plate={vehicle.plate} proposed={state.proposed} corrected={!!state.corrected} taxes={taxes} certificate={certificate} errors={errors} />, status);
    }
    const prefill = state.proposed ? { line1: state.proposed.line1, line2: state.proposed.line2 ?? '', postcode: state.proposed.postcode, commune: state.proposed.commune } : {};
    return reply.render(<AddressFormPage fileNumber={p.file_number} plate={vehicle.plate} holder={name} current={current} values={values ?? prefill} errors={errors} />, status);
  }

  scope.get<Params>('/vehicules/demandes/:file/adresse', async (request, reply) => {
    const p = await load(request, reply);
    if (p) return render(reply, p);
  });

  scope.post<Params>('/vehicules/demandes/:file/adresse', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    const form = body(request);
    const outcome = await addresses.enter(p, form);
    if (!outcome.ok) return render(reply, p, outcome.errors, form);
    return reply.redirect(base(p), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/adresse/modifier', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    await addresses.back(p);
    return reply.redirect(base(p), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/adresse/confirmer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (p.status !== 'in_progress') return reply.redirect(base(p), 303); // double click
    if (body(request).clu !== 'oui') return render(reply, p, { clu: 'Cochez la case pour accepter les conditions légales d’utilisation' });
    const outcome = await addresses.confirm(p, actorOf(request));
    if (!outcome.ok) return render(reply, p, outcome.errors);
    return reply.redirect(base(p), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/adresse/payer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (!payments || p.status !== 'awaiting_payment') return reply.redirect(base(p), 303);
    const amount = (await addresses.taxLines(p)).at(-1)!.amountCents;
    const key = body(request).idempotency_key ?? '';
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(key)) return reply.redirect(base(p), 303);
    return sendToPayment(request, reply, payments, { procedureId: p.id, amountCents: amount, description: `Changement d’adresse ${p.file_number}`, idempotencyKey: key, back: base(p) });
  });
}
