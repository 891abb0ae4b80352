import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../../platform/http/guards.ts';
import { sendToPayment } from '../../../platform/payment/routes.tsx';
import type { PaymentService } from '../../../platform/payment/service.ts';
import { AddressDonePage, AddressFormPage, addressStepUrl, AddressSummaryPage } from './pages.tsx';
import { addressCanShow, addressCurrentStep, addressStepOfSlug, type AddressStep } from './model.ts';
import type { AddressService } from './service.ts';
import { issuedDocumentsWithSizes } from '../procedures/issued-documents.ts';
import type { VehicleProcedure } from '../tables.ts';
import { refusedAsSold } from '../procedures/refused-as-sold.ts';

type Body = Record<string, string | undefined>;
type Params = { Params: { file: string } };
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;

/**
 * The steps of the change of address, inside the signed-in scope of "Mon espace véhicule", each at its
 * own address (…/adresse/nouvelle-adresse, /recapitulatif, /fin). GET shows a step, POST saves it and
 * redirects to the next one (a refused form is shown again with what was typed, kept as a draft); a
 * step not reachable yet redirects to the first unfinished one.
 */
export function registerAddressRoutes(scope: FastifyInstance, addresses: AddressService, payments: PaymentService | null): void {
  const current = (p: VehicleProcedure) => addressCurrentStep(p.status !== 'in_progress', addresses.stateOf(p));
  const url = (p: VehicleProcedure, step: AddressStep = current(p)) => addressStepUrl(p.file_number, step);
  async function load(request: FastifyRequest<Params>, reply: FastifyReply) {
    const p = await addresses.load(request.account!, request.params.file);
    if (!p) await reply.callNotFound();
    return p;
  }

  async function render(reply: FastifyReply, p: VehicleProcedure, step: AddressStep, errors: Record<string, string> = {}, values?: Body) {
    const state = addresses.stateOf(p);
    const { vehicle, name, current } = await addresses.facts(p);
    const status = Object.keys(errors).length ? 400 : 200;
    if (step === 'done') {
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
          documents={await issuedDocumentsWithSizes(scope.database.db, p.id, scope.config.publicUrl)}
        />,
      );
    }
    if (step === 'summary' && state.proposed) {
      const taxes = await addresses.taxLines(p);
      const certificate = taxes.find((l) => l.field === 'Y.5')!.amountCents > 0;
      return reply.render(<AddressSummaryPage fileNumber={p.file_number} plate={vehicle.plate} proposed={state.proposed} corrected={!!state.corrected} taxes={taxes} certificate={certificate} errors={errors} />, status);
    }
    const saved = state.proposed ? { line1: state.proposed.line1, line2: state.proposed.line2 ?? '', postcode: state.proposed.postcode, commune: state.proposed.commune } : {};
    return reply.render(<AddressFormPage fileNumber={p.file_number} plate={vehicle.plate} holder={name} current={current} values={values ?? state.draft ?? saved} errors={errors} />, status);
  }

  /** The procedure's entry ("Continuer", "Mes démarches"): the first unfinished step, shown in place. */
  scope.get<Params>('/vehicules/demandes/:file/adresse', async (request, reply) => {
    const p = await load(request, reply);
    if (p) return render(reply, p, current(p));
  });

  scope.get<{ Params: { file: string; step: string } }>('/vehicules/demandes/:file/adresse/:step', async (request, reply) => {
    const step = addressStepOfSlug(request.params.step);
    if (!step) return reply.callNotFound();
    const p = await load(request, reply);
    if (!p) return;
    if (!addressCanShow(current(p), step)) return reply.redirect(url(p), 303);
    return render(reply, p, step);
  });

  /** The address form, posted from its own address (or from the entry, as pages and clients did before). */
  const enter = async (request: FastifyRequest<Params>, reply: FastifyReply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (p.status !== 'in_progress') return reply.redirect(url(p), 303); // filed meanwhile (another tab)
    if (await refusedAsSold(addresses, request, reply, p)) return;
    const form = body(request);
    const outcome = await addresses.enter(p, form);
    if (!outcome.ok) {
      await addresses.saveDraft(p, form);
      return render(reply, p, 'address', outcome.errors, form);
    }
    return reply.redirect(url(p, 'summary'), 303);
  };
  scope.post<Params>('/vehicules/demandes/:file/adresse', enter);
  scope.post<Params>('/vehicules/demandes/:file/adresse/nouvelle-adresse', enter);

  scope.post<Params>('/vehicules/demandes/:file/adresse/confirmer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (current(p) !== 'summary') return reply.redirect(url(p), 303); // double click, or nothing to confirm yet
    if (await refusedAsSold(addresses, request, reply, p)) return;
    if (body(request).clu !== 'oui') return render(reply, p, 'summary', { clu: 'Cochez la case pour accepter les conditions légales d’utilisation' });
    const outcome = await addresses.confirm(p, actorOf(request));
    if (!outcome.ok) return render(reply, p, 'summary', outcome.errors);
    return reply.redirect(url(p, 'done'), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/adresse/payer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (!payments || p.status !== 'awaiting_payment') return reply.redirect(url(p), 303);
    if (await refusedAsSold(addresses, request, reply, p)) return; // before the provider: no money taken
    const amount = (await addresses.taxLines(p)).at(-1)!.amountCents;
    const key = body(request).idempotency_key ?? '';
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(key)) return reply.redirect(url(p), 303);
    return sendToPayment(request, reply, payments, { procedureId: p.id, amountCents: amount, description: `Changement d’adresse ${p.file_number}`, idempotencyKey: key, back: url(p, 'done') });
  });
}
