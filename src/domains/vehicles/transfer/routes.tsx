import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendToPayment } from '../../../platform/payment/routes.tsx';
import type { PaymentService } from '../../../platform/payment/service.ts';
import { actorOf } from '../../../platform/http/guards.ts';
import { formatDateTime } from '../../../ui/format.ts';
import { TransferCodePage, TransferHolderPage, TransferPaymentPage, TransferSummaryPage } from './pages.tsx';
import type { VehicleProcedure } from '../tables.ts';
import type { TransferService } from './service.ts';

type Body = Record<string, string | undefined>;
type Params = { Params: { file: string } };
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;

/** The steps of the change of holder, inside the signed-in scope of "Mon espace véhicule". */
export function registerTransferRoutes(scope: FastifyInstance, transfers: TransferService, payments: PaymentService | null): void {
  const base = (p: VehicleProcedure) => `/vehicules/demandes/${p.file_number}/titulaire`;

  async function load(request: FastifyRequest<Params>, reply: FastifyReply) {
    const p = await transfers.load(request.account!, request.params.file);
    if (!p) await reply.callNotFound();
    return p;
  }

  async function render(request: FastifyRequest<Params>, reply: FastifyReply, p: VehicleProcedure, errors: Record<string, string> = {}, values?: Body, lockedUntil?: Date, conflict = false) {
    const state = transfers.stateOf(p);
    const { vehicle, formerHolder } = await transfers.vehicleFacts(p);
    const status = lockedUntil ? 429 : conflict ? 409 : Object.keys(errors).length ? 400 : 200;
    switch (state.step) {
      case 'code':
        return reply.render(<TransferCodePage fileNumber={p.file_number} plate={vehicle.plate} fni={!vehicle.certificate_number} values={values ?? {}} errors={errors} lockedUntil={lockedUntil ? formatDateTime(lockedUntil) : undefined} />, status);
      case 'holder':
        return reply.render(<TransferHolderPage fileNumber={p.file_number} plate={vehicle.plate} formerHolder={formerHolder} values={values ?? (await transfers.prefill(request.account!, p))} errors={errors} />, status);
      case 'summary':
        return reply.render(<TransferSummaryPage fileNumber={p.file_number} plate={vehicle.plate} formerHolder={formerHolder} holder={state.holder!} taxes={await transfers.taxLines(p)} errors={errors} />, status);
      case 'payment': {
        const taxes = await transfers.taxLines(p);
        const last = payments ? await payments.latest(p.id) : undefined;
        return reply.render(
          <TransferPaymentPage
            fileNumber={p.file_number}
            plate={vehicle.plate}
            paid={p.status === 'completed'}
            amountCents={taxes?.at(-1)?.amountCents ?? null}
            canPay={!!payments}
            lastAttempt={last?.status ?? null}
            idempotencyKey={randomBytes(16).toString('base64url')}
            newHolder={p.initiator === 'other' && state.holder ? `${state.holder.given_names} ${state.holder.birth_name.toUpperCase()}` : undefined}
          />,
        );
      }
    }
  }

  scope.get<Params>('/vehicules/demandes/:file/titulaire', async (request, reply) => {
    const p = await load(request, reply);
    if (p) return render(request, reply, p);
  });

  scope.post<Params>('/vehicules/demandes/:file/titulaire/code', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    const form = body(request);
    const result = await transfers.checkCode(request.account!, p, form, actorOf(request));
    if (!result.ok) {
      if ('conflict' in result) return render(request, reply, p, { has_code: result.conflict }, form, undefined, true);
      return render(request, reply, p, 'errors' in result ? result.errors : {}, form, 'locked' in result ? result.locked : undefined);
    }
    return reply.redirect(base(p), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/titulaire/nouveau-titulaire', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    const form = body(request);
    const outcome = await transfers.saveHolder(p, form);
    if (!outcome.ok) return render(request, reply, p, outcome.errors, form);
    return reply.redirect(base(p), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/titulaire/modifier', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    await transfers.backToHolder(p);
    return reply.redirect(base(p), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/titulaire/confirmer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (transfers.stateOf(p).step === 'payment') return reply.redirect(base(p), 303); // double click
    if (body(request).clu !== 'oui') return render(request, reply, p, { clu: 'Cochez la case pour accepter les conditions légales d’utilisation' });
    const outcome = await transfers.confirm(p, actorOf(request));
    if (!outcome.ok) return render(request, reply, p, outcome.errors);
    return reply.redirect(base(p), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/titulaire/payer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (!payments || p.status !== 'awaiting_payment') return reply.redirect(base(p), 303);
    const amount = (await transfers.taxLines(p))?.at(-1)?.amountCents;
    const key = body(request).idempotency_key ?? '';
    if (!amount || !/^[A-Za-z0-9_-]{16,64}$/.test(key)) return render(request, reply, p, { form: 'Le montant n’a pas pu être calculé : rechargez la page.' });
    return sendToPayment(request, reply, payments, { procedureId: p.id, amountCents: amount, description: `Changement de titulaire ${p.file_number}`, idempotencyKey: key, back: base(p) });
  });

  scope.get<Params>('/vehicules/demandes/:file/cpi.pdf', async (request, reply) => {
    const pdf = await transfers.cpi(request.account!, request.params.file);
    if (!pdf) return reply.callNotFound();
    return reply.type('application/pdf').header('content-disposition', `inline; filename="cpi-${request.params.file}.pdf"`).send(pdf);
  });

}
