import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../../platform/http/guards.ts';
import { sendToPayment } from '../../../platform/payment/routes.tsx';
import type { PaymentService } from '../../../platform/payment/service.ts';
import { DuplicateDonePage, DuplicateReasonPage, DuplicateReportPage, DuplicateReviewPage, DuplicateSummaryPage } from './pages.tsx';
import type { DuplicateService } from './service.ts';
import type { UserMessages } from '../procedures/user-messages.ts';
import { issuedDocuments, renderIssuedDocument } from '../procedures/issued-documents.ts';
import type { VehicleProcedure } from '../tables.ts';

type Body = Record<string, string | undefined>;
type Params = { Params: { file: string } };
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;

/** The steps of a duplicate request, inside the signed-in scope of "Mon espace véhicule". */
export function registerDuplicateRoutes(scope: FastifyInstance, duplicates: DuplicateService, payments: PaymentService | null, messages: UserMessages): void {
  const base = (p: VehicleProcedure) => `/vehicules/demandes/${p.file_number}/duplicata`;
  async function load(request: FastifyRequest<Params>, reply: FastifyReply) {
    const p = await duplicates.load(request.account!, request.params.file);
    if (!p) await reply.callNotFound();
    return p;
  }

  /** The page that matches where the request stands. */
  async function render(reply: FastifyReply, p: VehicleProcedure, errors: Record<string, string> = {}, values: Body = {}) {
    const state = duplicates.stateOf(p);
    const { vehicle, name, address } = await duplicates.facts(p);
    const common = { fileNumber: p.file_number, plate: vehicle.plate };
    const status = Object.keys(errors).length ? 400 : 200;
    if (p.status === 'awaiting_payment' || p.status === 'completed') {
      const taxes = await duplicates.taxLines(p);
      return reply.render(
        <DuplicateDonePage
          {...common}
          paid={p.status === 'completed'}
          amountCents={taxes.at(-1)!.amountCents}
          canPay={!!payments}
          idempotencyKey={randomBytes(16).toString('base64url')}
          documents={await issuedDocuments(scope.database.db, p.id)}
        />,
      );
    }
    if (p.status === 'awaiting_review' || p.status === 'to_complete' || p.status === 'rejected')
      return reply.render(
        <DuplicateReviewPage
          {...common}
          status={p.status}
          note={p.decision_note}
          reports={await duplicates.pieces(p)}
          messages={await duplicates.thread(p)}
          csa={(await issuedDocuments(scope.database.db, p.id)).some((d) => d.kind === 'csa')}
          values={values}
          errors={errors}
        />,
        status,
      );
    if (p.status !== 'in_progress') return reply.redirect(`/vehicules/demandes/${p.file_number}`, 303);
    if (state.reason && (await duplicates.ready(p))) {
      const reviewed = state.reason === 'theft' && !state.theftRecordedOn;
      return reply.render(
        <DuplicateSummaryPage
          {...common}
          reason={state.reason}
          holder={name}
          address={address}
          certificate={vehicle.certificate_number}
          taxes={await duplicates.taxLines(p)}
          reviewed={reviewed}
          theftRecordedOn={state.theftRecordedOn ?? null}
          weatherEvent={!!state.weatherEvent}
          errors={errors}
        />,
        status,
      );
    }
    if (state.reason === 'theft' && state.step === 'report') return reply.render(<DuplicateReportPage {...common} values={values} errors={errors} />, status);
    return reply.render(<DuplicateReasonPage {...common} holder={name} values={Object.keys(values).length ? values : { reason: state.reason, special: state.weatherEvent ? 'intemperies' : undefined }} errors={errors} />, status);
  }

  scope.get<Params>('/vehicules/demandes/:file/duplicata', async (request, reply) => {
    const p = await load(request, reply);
    if (p) return render(reply, p);
  });

  scope.post<Params>('/vehicules/demandes/:file/duplicata', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    const form = body(request);
    const outcome = await duplicates.chooseReason(p, form);
    if (!outcome.ok) return render(reply, p, outcome.errors, form);
    return reply.redirect(base(p), 303);
  });

  // The CSA of the theft flow, to its owner only (another account's file number answers 404).
  scope.get<Params>('/vehicules/demandes/:file/duplicata/csa.pdf', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    const doc = await scope.database.db.selectFrom('issued_documents').select(['kind', 'token', 'content']).where('procedure_id', '=', p.id).where('kind', '=', 'csa').orderBy('issued_at', 'desc').executeTakeFirst();
    if (!doc) return reply.callNotFound();
    const pdf = await renderIssuedDocument(doc, scope.config.publicUrl);
    return reply.type('application/pdf').header('content-disposition', `inline; filename="csa-${p.file_number}.pdf"`).send(pdf);
  });

  scope.post<Params>('/vehicules/demandes/:file/duplicata/modifier', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    await duplicates.back(p);
    return reply.redirect(base(p), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/duplicata/declaration-vol', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (p.status !== 'in_progress') return reply.redirect(base(p), 303); // double click: already sent
    const form = body(request);
    const outcome = await duplicates.sendReport(p, request.uploads, form.comment ?? '', actorOf(request));
    if (!outcome.ok) return render(reply, p, outcome.errors, form);
    request.session.flash('success', 'Votre déclaration de vol est transmise au centre d’instruction.');
    return reply.redirect(base(p), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/duplicata/complement', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (p.status !== 'to_complete') return reply.redirect(base(p), 303);
    const form = body(request);
    const outcome = await duplicates.answer(p, request.uploads, form.message ?? '', actorOf(request));
    if (!outcome.ok) return render(reply, p, outcome.errors, form);
    request.session.flash('success', 'Votre réponse est transmise au centre d’instruction.');
    return reply.redirect(base(p), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/duplicata/message', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    const form = body(request);
    const outcome = await messages.send(request.account!, p.file_number, form.user_message ?? '', request.uploads, actorOf(request));
    if (outcome && !outcome.ok) return render(reply, p, outcome.errors, form);
    request.session.flash('success', 'Votre message est envoyé au centre d’instruction.');
    return reply.redirect(base(p), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/duplicata/confirmer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (p.status !== 'in_progress') return reply.redirect(base(p), 303); // double click
    if (body(request).clu !== 'oui') return render(reply, p, { clu: 'Cochez la case pour accepter les conditions légales d’utilisation' });
    const outcome = await duplicates.confirm(p, actorOf(request));
    if (!outcome.ok) return render(reply, p, outcome.errors);
    return reply.redirect(base(p), 303);
  });

  scope.post<Params>('/vehicules/demandes/:file/duplicata/payer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (!payments || p.status !== 'awaiting_payment') return reply.redirect(base(p), 303);
    const key = body(request).idempotency_key ?? '';
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(key)) return reply.redirect(base(p), 303);
    const amount = (await duplicates.taxLines(p)).at(-1)!.amountCents;
    return sendToPayment(request, reply, payments, { procedureId: p.id, amountCents: amount, description: `Duplicata ${p.file_number}`, idempotencyKey: key, back: base(p) });
  });
}
