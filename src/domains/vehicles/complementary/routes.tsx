import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../../platform/http/guards.ts';
import { randomBytes } from 'node:crypto';
import { sendToPayment } from '../../../platform/payment/routes.tsx';
import type { PaymentService } from '../../../platform/payment/service.ts';
import { TpcPaymentPage, TpcCategoryPage, TpcHolderPage, TpcObjectPage, TpcPiecesPage, TpcStatusPage, TpcSummaryPage } from './pages.tsx';
import type { VehicleProcedure } from '../tables.ts';
import { piecesFor, TPC_CATEGORIES, TPC_STEPS, type TpcStep } from './model.ts';
import type { TpcService } from './service.ts';
import type { UserMessages } from '../procedures/user-messages.ts';

type Body = Record<string, string | undefined>;
type Params = { Params: { file: string } };
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;

/** The pieces page has one file field per piece the sub-category asks for, plus "Autre pièce utile": at most this many files in one post. */
const MAX_PIECE_FILES =
  1 + Math.max(...TPC_CATEGORIES.flatMap((c) => c.subcategories.flatMap((s) => [true, false].map((diplomatic) => new Set(Object.values(piecesFor(s, { initiator: 'other', diplomatic })).flat()).size))));

/** The steps of a complementary procedure, inside the signed-in scope of "Mon espace véhicule". */
export function registerTpcRoutes(scope: FastifyInstance, tpc: TpcService, payments: PaymentService | null, messages: UserMessages): void {
  const base = (p: VehicleProcedure) => `/vehicules/demandes/${p.file_number}/complementaire`;
  async function load(request: FastifyRequest<Params>, reply: FastifyReply) {
    const p = await tpc.load(request.account!, request.params.file);
    if (!p) await reply.callNotFound();
    return p;
  }

  async function render(reply: FastifyReply, p: VehicleProcedure, errors: Record<string, string> = {}, values?: Body) {
    const s = tpc.stateOf(p);
    const common = { fileNumber: p.file_number, plate: s.plate ?? p.file_number };
    const status = Object.keys(errors).length ? 400 : 200;
    if (p.status === 'awaiting_payment') {
      const taxes = await tpc.taxLines(p);
      return reply.render(<TpcPaymentPage {...common} amountCents={taxes!.at(-1)!.amountCents} canPay={!!payments} idempotencyKey={randomBytes(16).toString('base64url')} />);
    }
    if (p.status !== 'in_progress')
      return reply.render(<TpcStatusPage {...common} status={p.status} note={p.decision_note} sent={await tpc.pieces(p)} messages={await tpc.thread(p)} values={values ?? {}} errors={errors} />, status);
    const h = s.holder;
    switch (s.step) {
      case 'object':
        return reply.render(<TpcObjectPage {...common} state={s} initiator={p.initiator} values={values ?? { object: s.object, plate: s.plate, diplomatic: s.diplomatic ? 'oui' : undefined }} errors={errors} />, status);
      case 'holder':
        return reply.render(
          <TpcHolderPage
            {...common}
            values={values ?? (h ? { kind: h.kind, birth_name: h.birth_name, given_names: h.given_names, birth_date: h.birth_date, birth_place: h.birth_place, company_name: h.company_name, siren: h.siren, line1: h.line1, line2: h.line2, postcode: h.postcode, commune: h.commune } : {})}
            errors={errors}
          />,
          status,
        );
      case 'pieces': {
        const req = tpc.requirements(p)!;
        return reply.render(<TpcPiecesPage {...common} required={req.required} optional={req.optional} anyOf={req.anyOf} diplomatic={!!s.diplomatic} sent={await tpc.pieces(p)} errors={errors} />, status);
      }
      case 'summary':
        return reply.render(<TpcSummaryPage {...common} state={s} initiator={p.initiator} sent={await tpc.pieces(p)} taxes={await tpc.taxLines(p)} errors={errors} />, status);
      default:
        return reply.render(<TpcCategoryPage {...common} state={s} values={values ?? {}} errors={errors} />, status);
    }
  }

  const step = (path: string, run: (p: VehicleProcedure, form: Body, request: FastifyRequest) => Promise<{ ok: true } | { ok: false; errors: Record<string, string> }>, done?: string) =>
    scope.post<Params>(`/vehicules/demandes/:file/complementaire${path}`, path === '/pieces' ? { config: { uploads: { maxFiles: MAX_PIECE_FILES } } } : {}, async (request, reply) => {
      const p = await load(request, reply);
      if (!p) return;
      const form = body(request);
      const outcome = await run(p, form, request);
      if (!outcome.ok) return render(reply, (await tpc.load(request.account!, p.file_number))!, outcome.errors, path === '/pieces' ? undefined : form);
      if (done) request.session.flash('success', done);
      return reply.redirect(base(p), 303);
    });

  scope.get<Params>('/vehicules/demandes/:file/complementaire', async (request, reply) => {
    const p = await load(request, reply);
    if (p) return render(reply, p);
  });
  scope.post<{ Params: { file: string; step: string } }>('/vehicules/demandes/:file/complementaire/modifier/:step', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if ((TPC_STEPS as readonly string[]).includes(request.params.step)) await tpc.goTo(p, request.params.step as TpcStep);
    return reply.redirect(base(p), 303);
  });

  step('/categorie', (p, form) => tpc.chooseCategory(p, form.category));
  step('/sous-categorie', (p, form) => tpc.chooseSubcategory(p, form.subcategory));
  step('/objet', (p, form) => tpc.saveObject(p, form));
  step('/titulaire', (p, form) => tpc.saveHolder(p, form));
  step('/pieces', (p, _form, request) => tpc.addPieces(p, request.uploads));
  step('/poursuivre', (p) => tpc.toSummary(p));
  step('/confirmer', async (p, form, request) => {
    if (p.status !== 'in_progress') return { ok: true }; // double click: already sent
    if (form.clu !== 'oui') return { ok: false, errors: { clu: 'Cochez la case pour accepter les conditions légales d’utilisation' } };
    const outcome = await tpc.submit(p, actorOf(request));
    // with taxes the request waits for its payment: it reaches the centre once paid
    if (outcome.ok && !(await tpc.taxLines(p))) request.session.flash('success', 'Votre demande est transmise au centre d’instruction.');
    return outcome;
  });
  step('/message', async (p, form, request) => (await messages.send(request.account!, p.file_number, form.user_message ?? '', request.uploads, actorOf(request))) ?? { ok: true }, 'Votre message est envoyé au centre d’instruction.');
  step('/complement', async (p, form, request) => (p.status !== 'to_complete' ? { ok: true } : tpc.answer(p, request.uploads, form.message ?? '', actorOf(request))), 'Votre réponse est transmise au centre d’instruction.');

  scope.post<Params>('/vehicules/demandes/:file/complementaire/payer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    const taxes = await tpc.taxLines(p);
    if (!payments || p.status !== 'awaiting_payment' || !taxes) return reply.redirect(base(p), 303);
    const key = body(request).idempotency_key ?? '';
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(key)) return reply.redirect(base(p), 303);
    return sendToPayment(request, reply, payments, { procedureId: p.id, amountCents: taxes.at(-1)!.amountCents, description: `Téléprocédure complémentaire ${p.file_number}`, idempotencyKey: key, back: base(p) });
  });

  scope.post<{ Params: { file: string; id: string } }>('/vehicules/demandes/:file/complementaire/pieces/:id/retirer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    const id = Number(request.params.id);
    if (Number.isSafeInteger(id) && (await tpc.removePiece(p, id))) request.session.flash('info', 'La pièce est retirée.');
    return reply.redirect(base(p), 303);
  });
}
