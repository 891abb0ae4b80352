import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../../platform/http/guards.ts';
import { randomBytes } from 'node:crypto';
import { sendToPayment } from '../../../platform/payment/routes.tsx';
import type { PaymentService } from '../../../platform/payment/service.ts';
import { TpcPaymentPage, TpcCategoryPage, TpcHolderPage, TpcObjectPage, tpcPageUrl, TpcPiecesPage, TpcStatusPage, TpcSubcategoryPage, TpcSummaryPage } from './pages.tsx';
import { draftsHome } from '../procedures/drafts-home.ts';
import type { VehicleProcedure } from '../tables.ts';
import { piecesFor, TPC_CATEGORIES, TPC_HOLDER_FIELDS, TPC_OBJECT_FIELDS, tpcCanShow, tpcCurrentPage, tpcNextPage, tpcPageOfSlug, type TpcPage } from './model.ts';
import type { TpcService } from './service.ts';
import type { UserMessages } from '../procedures/user-messages.ts';

type Body = Record<string, string | undefined>;
type Params = { Params: { file: string } };
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;
const base = (p: VehicleProcedure) => `/vehicules/demandes/${p.file_number}/complementaire`;

/** The pieces page has one file field per piece the sub-category asks for, plus "Autre pièce utile": at most this many files in one post. */
const MAX_PIECE_FILES =
  1 + Math.max(...TPC_CATEGORIES.flatMap((c) => c.subcategories.flatMap((s) => [true, false].map((diplomatic) => new Set(Object.values(piecesFor(s, { initiator: 'other', diplomatic })).flat()).size))));

/**
 * The pages of a complementary procedure, inside the signed-in scope of "Mon espace véhicule", each at
 * its own address (…/complementaire/categorie, /sous-categorie, /objet, /titulaire, /pieces,
 * /recapitulatif, then /paiement or /suivi). GET shows a page, POST saves it and redirects to the
 * next one (a refused form is shown again with what was typed, kept as a draft); a page not reachable
 * yet redirects to the first unfinished one.
 */
export function registerTpcRoutes(scope: FastifyInstance, tpc: TpcService, payments: PaymentService | null, messages: UserMessages): void {
  const url = (p: VehicleProcedure, page: TpcPage) => tpcPageUrl(p.file_number, page);
  const current = async (p: VehicleProcedure) => url(p, tpcCurrentPage(await tpc.progress(p)));
  async function load(request: FastifyRequest<Params>, reply: FastifyReply) {
    const p = await tpc.load(request.account!, request.params.file);
    if (!p) await reply.callNotFound();
    return p;
  }
  /** Read again after a write (the page shows what was saved). */
  const reload = async (request: FastifyRequest<Params>, p: VehicleProcedure) => (await tpc.load(request.account!, p.file_number))!;

  async function render(reply: FastifyReply, p: VehicleProcedure, page: TpcPage, errors: Record<string, string> = {}, values?: Body) {
    const s = tpc.stateOf(p);
    const common = { fileNumber: p.file_number, plate: s.plate ?? p.file_number };
    const status = Object.keys(errors).length ? 400 : 200;
    const draft = s.draft ?? {};
    const h = s.holder;
    switch (page) {
      case 'payment': {
        const taxes = await tpc.taxLines(p);
        return reply.render(<TpcPaymentPage {...common} amountCents={taxes!.at(-1)!.amountCents} canPay={!!payments} idempotencyKey={randomBytes(16).toString('base64url')} />);
      }
      case 'done':
        return reply.render(<TpcStatusPage {...common} status={p.status} note={p.decision_note} sent={await tpc.pieces(p)} messages={await tpc.thread(p)} values={values ?? {}} errors={errors} />, status);
      case 'category':
        return reply.render(<TpcCategoryPage {...common} values={values ?? { category: s.category }} errors={errors} />, status);
      case 'subcategory':
        return reply.render(<TpcSubcategoryPage {...common} state={s} values={values ?? { subcategory: s.subcategory }} errors={errors} />, status);
      case 'object': {
        const saved = { object: s.object, plate: s.plate, diplomatic: s.diplomatic ? 'oui' : undefined };
        return reply.render(<TpcObjectPage {...common} state={s} initiator={p.initiator} values={values ?? { ...saved, ...pick(draft, TPC_OBJECT_FIELDS) }} errors={errors} />, status);
      }
      case 'holder': {
        const saved = h ? { kind: h.kind, birth_name: h.birth_name, given_names: h.given_names, birth_date: h.birth_date, birth_place: h.birth_place, company_name: h.company_name, siren: h.siren, line1: h.line1, line2: h.line2, postcode: h.postcode, commune: h.commune } : {};
        return reply.render(<TpcHolderPage {...common} values={values ?? { ...saved, ...pick(draft, TPC_HOLDER_FIELDS) }} errors={errors} />, status);
      }
      case 'pieces': {
        const req = tpc.requirements(p)!;
        return reply.render(<TpcPiecesPage {...common} required={req.required} optional={req.optional} anyOf={req.anyOf} diplomatic={!!s.diplomatic} sent={await tpc.pieces(p)} errors={errors} />, status);
      }
      case 'summary':
        return reply.render(<TpcSummaryPage {...common} state={s} initiator={p.initiator} sent={await tpc.pieces(p)} taxes={await tpc.taxLines(p)} errors={errors} />, status);
    }
  }

  type Run = (p: VehicleProcedure, form: Body, request: FastifyRequest) => Promise<{ ok: true } | { ok: false; errors: Record<string, string> }>;
  /**
   * A page's form: saved, then on to the next page; refused, the page again with what was typed (kept
   * as a draft for parts 1 and 2); "Reprendre plus tard" saves without checking and says where the
   * draft is. Posted when the page is no longer reachable (validated in another tab), the first
   * unfinished page.
   */
  const step = (path: string, page: TpcPage, run: Run, opts: { later?: boolean } = {}) =>
    scope.post<Params>(`/vehicules/demandes/:file/complementaire${path}`, async (request, reply) => {
      const p = await load(request, reply);
      if (!p) return;
      if (!tpcCanShow(await tpc.progress(p), page)) return reply.redirect(await current(p), 303);
      const form = body(request);
      if (opts.later && form.intent === 'later') {
        await tpc.saveDraft(p, form);
        const home = draftsHome(request.server);
        request.session.flash('success', `Votre téléprocédure complémentaire ${p.file_number} est enregistrée en brouillon, avec ce que vous avez saisi. Vous la retrouverez dans « ${home.label} », pour la reprendre où vous l’avez laissée.`);
        return reply.redirect(home.href, 303);
      }
      const outcome = await run(p, form, request);
      if (!outcome.ok) {
        if (opts.later) await tpc.saveDraft(p, form);
        return render(reply, await reload(request, p), page, outcome.errors, page === 'pieces' ? undefined : form);
      }
      const after = await reload(request, p);
      return reply.redirect(url(after, tpcNextPage(await tpc.progress(after), page)), 303);
    });

  /** The procedure's entry ("Continuer", "Mes démarches", the payment's return): the first unfinished page, shown in place. */
  scope.get<Params>('/vehicules/demandes/:file/complementaire', async (request, reply) => {
    const p = await load(request, reply);
    if (p) return render(reply, p, tpcCurrentPage(await tpc.progress(p)));
  });

  scope.get<{ Params: { file: string; page: string } }>('/vehicules/demandes/:file/complementaire/:page', async (request, reply) => {
    const page = tpcPageOfSlug(request.params.page);
    if (!page) return reply.callNotFound();
    const p = await load(request, reply);
    if (!p) return;
    if (!tpcCanShow(await tpc.progress(p), page)) return reply.redirect(await current(p), 303);
    return render(reply, p, page);
  });

  step('/categorie', 'category', (p, form) => tpc.chooseCategory(p, form.category));
  step('/sous-categorie', 'subcategory', (p, form) => tpc.chooseSubcategory(p, form.subcategory));
  step('/objet', 'object', (p, form) => tpc.saveObject(p, form), { later: true });
  step('/titulaire', 'holder', (p, form) => tpc.saveHolder(p, form), { later: true });
  // the files chosen are joined whichever button is used; "Poursuivre vers le récapitulatif" then goes on if no piece is missing
  scope.post<Params>('/vehicules/demandes/:file/complementaire/pieces', { config: { uploads: { maxFiles: MAX_PIECE_FILES } } }, async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (!tpcCanShow(await tpc.progress(p), 'pieces')) return reply.redirect(await current(p), 303);
    const added = await tpc.addPieces(p, request.uploads);
    if (!added.ok) return render(reply, await reload(request, p), 'pieces', added.errors);
    if (body(request).intent !== 'continue') return reply.redirect(url(p, 'pieces'), 303); // the page lists the files joined
    const complete = await tpc.toSummary(await reload(request, p));
    if (!complete.ok) return render(reply, await reload(request, p), 'pieces', complete.errors);
    return reply.redirect(url(p, 'summary'), 303);
  });
  // "Poursuivre vers le récapitulatif" without files, as the page posted it before (and API clients)
  step('/poursuivre', 'pieces', (p) => tpc.toSummary(p));
  scope.post<Params>('/vehicules/demandes/:file/complementaire/confirmer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    if (p.status !== 'in_progress' || tpcCurrentPage(await tpc.progress(p)) !== 'summary') return reply.redirect(await current(p), 303); // double click: already sent
    if (body(request).clu !== 'oui') return render(reply, p, 'summary', { clu: 'Cochez la case pour accepter les conditions légales d’utilisation' });
    const outcome = await tpc.submit(p, actorOf(request));
    if (!outcome.ok) return render(reply, p, 'summary', outcome.errors);
    // with taxes the request waits for its payment: it reaches the centre once paid
    if (!(await tpc.taxLines(p))) request.session.flash('success', 'Votre demande est transmise au centre d’instruction.');
    return reply.redirect(await current(await reload(request, p)), 303);
  });

  /** After validation: a message while the centre examines the request, or the answer it asked for. */
  const followUp = (path: string, run: Run, done: string) =>
    scope.post<Params>(`/vehicules/demandes/:file/complementaire${path}`, async (request, reply) => {
      const p = await load(request, reply);
      if (!p) return;
      const form = body(request);
      const outcome = await run(p, form, request);
      if (!outcome.ok) return render(reply, await reload(request, p), tpcCurrentPage(await tpc.progress(p)), outcome.errors, form);
      request.session.flash('success', done);
      return reply.redirect(await current(p), 303);
    });
  followUp('/message', async (p, form, request) => (await messages.send(request.account!, p.file_number, form.user_message ?? '', request.uploads, actorOf(request))) ?? { ok: true }, 'Votre message est envoyé au centre d’instruction.');
  followUp('/complement', async (p, form, request) => (p.status !== 'to_complete' ? { ok: true } : tpc.answer(p, request.uploads, form.message ?? '', actorOf(request))), 'Votre réponse est transmise au centre d’instruction.');

  scope.post<Params>('/vehicules/demandes/:file/complementaire/payer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    const taxes = await tpc.taxLines(p);
    if (!payments || p.status !== 'awaiting_payment' || !taxes) return reply.redirect(await current(p), 303);
    const key = body(request).idempotency_key ?? '';
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(key)) return reply.redirect(url(p, 'payment'), 303);
    return sendToPayment(request, reply, payments, { procedureId: p.id, amountCents: taxes.at(-1)!.amountCents, description: `Téléprocédure complémentaire ${p.file_number}`, idempotencyKey: key, back: base(p) });
  });

  scope.post<{ Params: { file: string; id: string } }>('/vehicules/demandes/:file/complementaire/pieces/:id/retirer', async (request, reply) => {
    const p = await load(request, reply);
    if (!p) return;
    const id = Number(request.params.id);
    if (Number.isSafeInteger(id) && (await tpc.removePiece(p, id))) request.session.flash('info', 'La pièce est retirée.');
    return reply.redirect(tpcCanShow(await tpc.progress(await reload(request, p)), 'pieces') ? url(p, 'pieces') : await current(p), 303);
  });
}

/** Only the given fields of a draft. */
function pick(draft: Record<string, string>, fields: readonly string[]): Record<string, string> {
  return Object.fromEntries(Object.entries(draft).filter(([k]) => fields.includes(k)));
}
