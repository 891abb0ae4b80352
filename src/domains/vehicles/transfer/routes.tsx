import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendToPayment } from '../../../platform/payment/routes.tsx';
import type { PaymentService } from '../../../platform/payment/service.ts';
import { actorOf } from '../../../platform/http/guards.ts';
import { formatDateTime } from '../../../ui/format.ts';
import { TransferCodePage, TransferHolderPage, TransferPaymentPage, transferStepUrl, TransferSummaryPage } from './pages.tsx';
import { holderName, transferCanShow, transferStepOfSlug, type TransferStep } from './model.ts';
import { draftsHome } from '../procedures/drafts-home.ts';
import type { VehicleProcedure } from '../tables.ts';
import type { TransferService } from './service.ts';
import { issuedDocumentsWithSizes } from '../procedures/issued-documents.ts';
import { measuredPdfSize } from '../../../platform/pdf/measured-size.ts';

type Body = Record<string, string | undefined>;
type Params = { Params: { file: string } };
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;

/**
 * The steps of the change of holder, inside the signed-in scope of "Mon espace véhicule", each at its
 * own address (…/titulaire/code, /nouveau-titulaire, /recapitulatif, /paiement). GET shows a step,
 * POST saves it and redirects to the next one (a refused form is shown again with what was typed,
 * kept as a draft); a step not reachable yet redirects to the first unfinished one.
 */
export function registerTransferRoutes(scope: FastifyInstance, transfers: TransferService, payments: PaymentService | null): void {
  const url = (p: VehicleProcedure, step: TransferStep) => transferStepUrl(p.file_number, step);
  const current = (p: VehicleProcedure) => url(p, transfers.stateOf(p).step);
  const canShow = (p: VehicleProcedure, step: TransferStep) => transferCanShow(transfers.stateOf(p).step, step);

  async function load(request: FastifyRequest<Params>, reply: FastifyReply) {
    const p = await transfers.load(request.account!, request.params.file);
    if (!p) await reply.callNotFound();
    return p;
  }

  async function render(
    request: FastifyRequest<Params>,
    reply: FastifyReply,
    p: VehicleProcedure,
    step: TransferStep,
    errors: Record<string, string> = {},
    values?: Body,
    lockedUntil?: Date,
    refusal?: { message: string; resume?: string },
  ) {
    const state = transfers.stateOf(p);
    const { vehicle, formerHolder } = await transfers.vehicleFacts(p);
    const status = lockedUntil ? 429 : refusal ? 409 : Object.keys(errors).length ? 400 : 200;
    switch (step) {
      case 'code':
        return reply.render(
          <TransferCodePage
            fileNumber={p.file_number}
            plate={vehicle.plate}
            fni={!vehicle.certificate_number}
            accepted={state.step !== 'code'}
            values={values ?? {}}
            errors={errors}
            lockedUntil={lockedUntil ? formatDateTime(lockedUntil) : undefined}
            refusal={refusal}
          />,
          status,
        );
      case 'holder': {
        const kind = await transfers.holderKind(p);
        return reply.render(
          <TransferHolderPage fileNumber={p.file_number} plate={vehicle.plate} formerHolder={formerHolder} company={kind === 'legal'} values={values ?? (await transfers.prefill(request.account!, p, kind))} errors={errors} />,
          status,
        );
      }
      case 'summary':
        return reply.render(<TransferSummaryPage fileNumber={p.file_number} plate={vehicle.plate} formerHolder={formerHolder} holder={state.holder!} taxes={await transfers.taxLines(p)} errors={errors} />, status);
      case 'payment': {
        const taxes = await transfers.taxLines(p);
        const last = payments ? await payments.latest(p.id) : undefined;
        // each link states the size of the very PDF it serves: the issued documents once paid, before that the summary printed from the request's state
        const documents = await issuedDocumentsWithSizes(scope.database.db, p.id, scope.config.publicUrl);
        if (!documents.some((d) => d.kind === 'recapitulatif')) {
          const bytes = await measuredPdfSize(`transfer-summary:${p.file_number}:${p.updated_at.toISOString()}`, () => transfers.summaryPdf(request.account!, p.file_number));
          documents.push({ kind: 'recapitulatif', bytes });
        }
        return reply.render(
          <TransferPaymentPage
            fileNumber={p.file_number}
            plate={vehicle.plate}
            paid={p.status === 'completed'}
            amountCents={taxes?.at(-1)?.amountCents ?? null}
            canPay={!!payments}
            lastAttempt={last?.status ?? null}
            idempotencyKey={randomBytes(16).toString('base64url')}
            documents={documents}
            newHolder={p.initiator === 'other' && state.holder ? holderName(state.holder) : undefined}
          />,
        );
      }
    }
  }

  /** The procedure's entry ("Continuer", "Mes démarches"): the first unfinished step, shown in place. */
  scope.get<Params>('/vehicules/demandes/:file/titulaire', async (request, reply) => {
    const p = await load(request, reply);
    if (p) return render(request, reply, p, transfers.stateOf(p).step);
  });

  scope.get<{ Params: { file: string; step: string } }>('/vehicules/demandes/:file/titulaire/:step', async (request, reply) => {
    const step = transferStepOfSlug(request.params.step);
    if (!step) return reply.callNotFound();
    const p = await load(request, reply);
    if (!p) return;
    if (!canShow(p, step)) return reply.redirect(current(p), 303);
    return render(request, reply, p, step);
  });

  scope.post<Params>('/vehicules/demandes/:file/titulaire/code', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (transfers.stateOf(p).step !== 'code') return reply.redirect(current(p), 303); // accepted already (a second tab, a double click)
    const form = body(request);
    const result = await transfers.checkCode(request.account!, p, form, actorOf(request));
    if (!result.ok) {
      // abandoned: the page says why, without the form (the file no longer takes a code)
      if ('conflict' in result) return render(request, reply, p, 'code', {}, form, undefined, { message: result.conflict, resume: result.resume });
      return render(request, reply, p, 'code', 'errors' in result ? result.errors : {}, form, 'locked' in result ? result.locked : undefined);
    }
    return reply.redirect(url(p, 'holder'), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/titulaire/nouveau-titulaire', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (!canShow(p, 'holder') || transfers.stateOf(p).step === 'code') return reply.redirect(current(p), 303);
    const form = body(request);
    if (form.intent === 'later') {
      await transfers.saveDraft(p, form);
      const home = draftsHome(request.server);
      request.session.flash('success', `Votre demande de changement de titulaire ${p.file_number} est enregistrée en brouillon, avec ce que vous avez saisi. Vous la retrouverez dans « ${home.label} », pour la reprendre où vous l’avez laissée.`);
      return reply.redirect(home.href, 303);
    }
    const outcome = await transfers.saveHolder(request.account!, p, form, actorOf(request));
    if (!outcome.ok) {
      await transfers.saveDraft(p, form);
      return render(request, reply, p, 'holder', outcome.errors, form);
    }
    return reply.redirect(url(p, 'summary'), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/titulaire/confirmer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (transfers.stateOf(p).step === 'payment') return reply.redirect(url(p, 'payment'), 303); // double click
    if (transfers.stateOf(p).step !== 'summary') return reply.redirect(current(p), 303);
    if (body(request).clu !== 'oui') return render(request, reply, p, 'summary', { clu: 'Cochez la case pour accepter les conditions légales d’utilisation' });
    const outcome = await transfers.confirm(p, actorOf(request));
    if (!outcome.ok) return render(request, reply, p, 'summary', outcome.errors);
    return reply.redirect(url(p, 'payment'), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/titulaire/payer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (!payments || p.status !== 'awaiting_payment') return reply.redirect(current(p), 303);
    const amount = (await transfers.taxLines(p))?.at(-1)?.amountCents;
    const key = body(request).idempotency_key ?? '';
    if (!amount || !/^[A-Za-z0-9_-]{16,64}$/.test(key)) return render(request, reply, p, 'payment', { form: 'Le montant n’a pas pu être calculé : rechargez la page.' });
    return sendToPayment(request, reply, payments, { procedureId: p.id, amountCents: amount, description: `Changement de titulaire ${p.file_number}`, idempotencyKey: key, back: url(p, 'payment') });
  });

  scope.get<Params>('/vehicules/demandes/:file/cpi.pdf', async (request, reply) => {
    const pdf = await transfers.cpi(request.account!, request.params.file);
    if (!pdf) return reply.callNotFound();
    return reply.type('application/pdf').header('content-disposition', `inline; filename="cpi-${request.params.file}.pdf"`).send(pdf);
  });

}
