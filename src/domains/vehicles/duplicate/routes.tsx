import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../../platform/http/guards.ts';
import { sendToPayment } from '../../../platform/payment/routes.tsx';
import type { PaymentService } from '../../../platform/payment/service.ts';
import { DuplicateDonePage, DuplicateReasonPage, DuplicateReportPage, DuplicateReviewPage, duplicateStepUrl, DuplicateSummaryPage } from './pages.tsx';
import { duplicateCanShow, duplicateCurrentStep, duplicatePath, duplicatePreviousStep, duplicateStepOfSlug, type DuplicateStep } from './model.ts';
import { draftsHome } from '../procedures/drafts-home.ts';
import type { DuplicateService } from './service.ts';
import type { UserMessages } from '../procedures/user-messages.ts';
import { issuedDocumentsWithSizes, renderIssuedDocument } from '../procedures/issued-documents.ts';
import type { VehicleProcedure } from '../tables.ts';
import { refusedAsSold } from '../procedures/refused-as-sold.ts';

type Body = Record<string, string | undefined>;
type Params = { Params: { file: string } };
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;

/**
 * The steps of a duplicate request, inside the signed-in scope of "Mon espace véhicule", each at its
 * own address (…/duplicata/motif, /declaration-vol, /recapitulatif, /fin). GET shows a step, POST
 * saves it and redirects to the next one (a refused form is shown again with what was typed, kept as
 * a draft); a step not reachable yet redirects to the first unfinished one.
 */
export function registerDuplicateRoutes(scope: FastifyInstance, duplicates: DuplicateService, payments: PaymentService | null, messages: UserMessages): void {
  const url = (p: VehicleProcedure, step: DuplicateStep) => duplicateStepUrl(p.file_number, step);
  const current = async (p: VehicleProcedure) => url(p, duplicateCurrentStep(await duplicates.progress(p)));
  async function load(request: FastifyRequest<Params>, reply: FastifyReply) {
    const p = await duplicates.load(request.account!, request.params.file);
    if (!p) await reply.callNotFound();
    else if (p.status === 'cancelled') await reply.redirect(`/vehicules/demandes/${p.file_number}`, 303);
    else return p;
    return null;
  }

  async function render(reply: FastifyReply, p: VehicleProcedure, step: DuplicateStep, errors: Record<string, string> = {}, values?: Body) {
    const progress = await duplicates.progress(p);
    const state = progress.state;
    const { vehicle, name, address } = await duplicates.facts(p);
    const common = { fileNumber: p.file_number, plate: vehicle.plate, path: duplicatePath(state) };
    const previous = duplicatePreviousStep(progress, step);
    const status = Object.keys(errors).length ? 400 : 200;
    switch (step) {
      case 'done': {
        const taxes = await duplicates.taxLines(p);
        return reply.render(
          <DuplicateDonePage
            {...common}
            paid={p.status === 'completed'}
            amountCents={taxes.at(-1)!.amountCents}
            canPay={!!payments}
            idempotencyKey={randomBytes(16).toString('base64url')}
            documents={await issuedDocumentsWithSizes(scope.database.db, p.id, scope.config.publicUrl)}
          />,
        );
      }
      case 'report':
        if (p.status === 'in_progress' && !progress.reportSent) return reply.render(<DuplicateReportPage {...common} previous={previous} values={values ?? state.draft ?? {}} errors={errors} />, status);
        return reply.render(
          <DuplicateReviewPage
            {...common}
            status={p.status as 'in_progress' | 'awaiting_review' | 'to_complete' | 'rejected'}
            note={p.decision_note}
            reports={await duplicates.pieces(p)}
            messages={await duplicates.thread(p)}
            csa={(await issuedDocumentsWithSizes(scope.database.db, p.id, scope.config.publicUrl)).find((d) => d.kind === 'csa')}
            values={values ?? {}}
            errors={errors}
          />,
          status,
        );
      case 'summary':
        return reply.render(
          <DuplicateSummaryPage
            {...common}
            previous={previous}
            reason={state.reason!}
            holder={name}
            address={address}
            certificate={vehicle.certificate_number}
            taxes={await duplicates.taxLines(p)}
            reviewed={state.reason === 'theft' && !state.theftRecordedOn}
            theftRecordedOn={state.theftRecordedOn ?? null}
            weatherEvent={!!state.weatherEvent}
            errors={errors}
          />,
          status,
        );
      case 'reason': {
        const saved = { reason: state.reason, declaration: state.reason && state.reason !== 'theft' ? 'oui' : undefined, special: state.weatherEvent ? 'intemperies' : undefined };
        return reply.render(<DuplicateReasonPage {...common} holder={name} values={values ?? { ...saved, ...(state.draft ?? {}) }} errors={errors} />, status);
      }
    }
  }

  /** "Reprendre plus tard": what was typed is kept (never a file), and the user is told where the draft is. */
  async function saveForLater(request: FastifyRequest, reply: FastifyReply, p: VehicleProcedure, form: Body) {
    await duplicates.saveDraft(p, form);
    const home = draftsHome(request.server);
    const file = request.uploads.some((u) => u.field === 'report') ? ' Le fichier choisi n’est pas conservé : vous le joindrez en reprenant la demande.' : '';
    request.session.flash('success', `Votre demande de duplicata ${p.file_number} est enregistrée en brouillon, avec ce que vous avez saisi. Vous la retrouverez dans « ${home.label} », pour la reprendre où vous l’avez laissée.${file}`);
    return reply.redirect(home.href, 303);
  }

  /** The procedure's entry ("Continuer", "Mes démarches", the payment's return): the first unfinished step, shown in place. */
  scope.get<Params>('/vehicules/demandes/:file/duplicata', async (request, reply) => {
    const p = await load(request, reply);
    if (p) return render(reply, p, duplicateCurrentStep(await duplicates.progress(p)));
  });

  scope.get<{ Params: { file: string; step: string } }>('/vehicules/demandes/:file/duplicata/:step', async (request, reply) => {
    const step = duplicateStepOfSlug(request.params.step);
    if (!step) return reply.callNotFound();
    const p = await load(request, reply);
    if (!p) return;
    if (!duplicateCanShow(await duplicates.progress(p), step)) return reply.redirect(await current(p), 303);
    return render(reply, p, step);
  });

  /** The reason, posted from its own address (or from the entry, as pages and clients did before). */
  const chooseReason = async (request: FastifyRequest<Params>, reply: FastifyReply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (!duplicateCanShow(await duplicates.progress(p), 'reason')) return reply.redirect(await current(p), 303); // a report sent meanwhile
    const form = body(request);
    if (form.intent === 'later') return saveForLater(request, reply, p, form);
    if (await refusedAsSold(duplicates, request, reply, p)) return;
    const outcome = await duplicates.chooseReason(p, form);
    if (!outcome.ok) {
      await duplicates.saveDraft(p, form);
      return render(reply, p, 'reason', outcome.errors, form);
    }
    return reply.redirect(await current((await duplicates.load(request.account!, p.file_number))!), 303);
  };
  scope.post<Params>('/vehicules/demandes/:file/duplicata', chooseReason);
  scope.post<Params>('/vehicules/demandes/:file/duplicata/motif', chooseReason);

  // The CSA of the theft flow, to its owner only (another account's file number answers 404).
  scope.get<Params>('/vehicules/demandes/:file/duplicata/csa.pdf', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    const doc = await scope.database.db.selectFrom('issued_documents').select(['kind', 'token', 'content']).where('procedure_id', '=', p.id).where('kind', '=', 'csa').orderBy('issued_at', 'desc').executeTakeFirst();
    if (!doc) return reply.callNotFound();
    const pdf = await renderIssuedDocument(doc, scope.config.publicUrl);
    return reply.type('application/pdf').header('content-disposition', `inline; filename="csa-${p.file_number}.pdf"`).send(pdf);
  });

  scope.post<Params>('/vehicules/demandes/:file/duplicata/declaration-vol', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (p.status !== 'in_progress') return reply.redirect(await current(p), 303); // double click: already sent
    const form = body(request);
    if (form.intent === 'later') return saveForLater(request, reply, p, form);
    if (await refusedAsSold(duplicates, request, reply, p)) return;
    const outcome = await duplicates.sendReport(p, request.uploads, form.comment ?? '', actorOf(request));
    if (!outcome.ok) {
      await duplicates.saveDraft(p, form);
      return render(reply, p, duplicateCanShow(await duplicates.progress(p), 'report') ? 'report' : duplicateCurrentStep(await duplicates.progress(p)), outcome.errors, form);
    }
    request.session.flash('success', 'Votre déclaration de vol est transmise au centre d’instruction.');
    return reply.redirect(url(p, 'report'), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/duplicata/complement', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (p.status !== 'to_complete') return reply.redirect(await current(p), 303);
    const form = body(request);
    const outcome = await duplicates.answer(p, request.uploads, form.message ?? '', actorOf(request));
    if (!outcome.ok) return render(reply, p, 'report', outcome.errors, form);
    request.session.flash('success', 'Votre réponse est transmise au centre d’instruction.');
    return reply.redirect(url(p, 'report'), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/duplicata/message', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    const form = body(request);
    const outcome = await messages.send(request.account!, p.file_number, form.user_message ?? '', request.uploads, actorOf(request));
    if (outcome && !outcome.ok) return render(reply, p, duplicateCurrentStep(await duplicates.progress(p)), outcome.errors, form);
    request.session.flash('success', 'Votre message est envoyé au centre d’instruction.');
    return reply.redirect(await current(p), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/duplicata/confirmer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (p.status !== 'in_progress' || duplicateCurrentStep(await duplicates.progress(p)) !== 'summary') return reply.redirect(await current(p), 303); // double click, or nothing to validate yet
    if (await refusedAsSold(duplicates, request, reply, p)) return;
    if (body(request).clu !== 'oui') return render(reply, p, 'summary', { clu: 'Cochez la case pour accepter les conditions légales d’utilisation' });
    const outcome = await duplicates.confirm(p, actorOf(request));
    if (!outcome.ok) return render(reply, p, 'summary', outcome.errors);
    return reply.redirect(url(p, 'done'), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/duplicata/payer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (!payments || p.status !== 'awaiting_payment') return reply.redirect(await current(p), 303);
    if (await refusedAsSold(duplicates, request, reply, p)) return; // before the provider: no money taken
    const key = body(request).idempotency_key ?? '';
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(key)) return reply.redirect(url(p, 'done'), 303);
    const amount = (await duplicates.taxLines(p)).at(-1)!.amountCents;
    return sendToPayment(request, reply, payments, { procedureId: p.id, amountCents: amount, description: `Duplicata ${p.file_number}`, idempotencyKey: key, back: url(p, 'done') });
  });
}
