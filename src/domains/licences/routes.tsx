import { measuredPdfSize } from '../../platform/pdf/measured-size.ts';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendAttachment } from '../../platform/files/attachments.ts';
import { actorOf, loadAccount, requireUser } from '../../platform/http/guards.ts';
import { stampThrottleOf } from '../stamps/routes.tsx';
import type { AccountsService } from '../accounts/service.ts';
import { ContactPage, DetailsPage, IdentityPage, LicenceSpacePage, PhotoBoothPage, PiecesPage, RequestPage, StartPage, SummaryPage, VerifyPage, type RequestView } from './pages/user.tsx';
import { STEP_SLUGS, stepHref } from './pages/components.tsx';
import { verificationMatches, type LicenceDocument } from './documents.ts';
import { EDITABLE, PIECES, type Step } from './model.ts';
import type { PhotoService } from './photo-service.ts';
import type { NephReactivation } from './neph-reactivation.ts';
import { departments } from '../directory/communes-geo.ts';
import { NephReactivationPage } from './pages/neph-reactivation.tsx';
import { dataOf, deletionDate, feeOf, progress } from './request-data.ts';
import type { LicencesService } from './service.ts';
import { createTimeline } from '../my-requests/timeline.ts';
import type { LicenceRequest } from './tables.ts';

type Body = Record<string, string | string[] | undefined>;
type Params = { Params: { file: string } };
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;
type EditStep = Exclude<Step, 'reason'>;
const SLUG_STEPS = Object.fromEntries(Object.entries(STEP_SLUGS).map(([k, v]) => [v, k])) as Record<string, EditStep>;

export function viewOf(r: LicenceRequest): RequestView {
  return {
    file: r.file_number,
    reason: r.reason,
    status: r.status,
    forOther: r.for_other,
    createdAt: r.created_at,
    deletionAt: deletionDate(r),
    submittedAt: r.submitted_at,
    data: dataOf(r),
    neph: r.neph,
    photoMode: r.photo_mode,
    feeCents: r.fee_cents,
    stampLast4: r.stamp_last4,
    decisionNote: r.decision_note,
  };
}
export const resumeHref = (r: LicenceRequest) => (r.status === 'to_complete' ? stepHref(r.file_number, 'summary') : stepHref(r.file_number, progress(r).next as EditStep));

/** Values to show in a step's form: what was typed (on an error), else what is saved. */
function savedValues(r: LicenceRequest, step: EditStep): Body {
  const d = dataOf(r);
  if (step === 'details') {
    const x = d.details ?? {};
    return { categories: x.categories ?? [], neph: x.neph ?? '', licence_number: x.licence_number, country: x.country, received_on: x.received_on, correction_error: x.correction_error, correction_detail: x.correction_detail, am_only: x.am_only ? 'oui' : undefined };
  }
  if (step === 'identity') return { ...(d.identity ?? {}) };
  if (step === 'contact') return { ...(d.contact ?? {}), photo_mode: r.photo_mode ?? undefined };
  return {};
}

/** "Mon espace permis de conduire": the user's requests, the step-by-step form, the documents. */
export function registerLicenceRoutes(app: FastifyInstance, licences: LicencesService, photos: PhotoService, accounts: AccountsService, neph: NephReactivation): void {
  // Public: the verification page of the QR codes; the demo photo booth (not in production).
  app.get<{ Params: { file: string; sig: string } }>('/permis/verifier/:file/:sig', async (request, reply) => {
    const { file, sig } = request.params;
    const found = verificationMatches(app.config.sessionSecret, file, sig) ? await licences.verify(file) : null;
    return reply.render(<VerifyPage found={found} />, found ? 200 : 404);
  });
  if (!app.config.isProduction) {
    const boothKey = () => randomBytes(16).toString('base64url');
    app.get('/photo-signature/cabine-demo', (_request, reply) => reply.render(<PhotoBoothPage code={null} idempotencyKey={boothKey()} />));
    app.post('/photo-signature/cabine-demo', async (request, reply) => {
      const key = String(body(request).idempotency_key ?? '');
      if (!/^[A-Za-z0-9_-]{16,64}$/.test(key)) return reply.redirect('/photo-signature/cabine-demo', 303);
      const code = await app.database.db.transaction().execute((trx) => photos.issue(trx, 'Cabine de démonstration', photos.boothCode(key)));
      reply.header('cache-control', 'no-store');
      return reply.render(<PhotoBoothPage code={code} idempotencyKey={boothKey()} />);
    });
  }

  // public: where to reactivate a NEPH, by département (FAQ)
  app.get('/permis/reactivation-neph', async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const chosen = (query.departement ?? '').slice(0, 3);
    const routing = chosen ? await neph.routing(chosen) : null;
    // the form sent without a choice is an error too (a browser omits a select left on its placeholder; the hidden field says the form was sent)
    const refused = (chosen !== '' || query.envoye === 'oui') && !routing;
    const errors: Record<string, string> = refused ? { departement: 'Choisissez votre département dans la liste' } : {};
    return reply.render(<NephReactivationPage departments={departments()} chosen={chosen} routing={routing} errors={errors} />, refused ? 400 : 200);
  });

  app.register(async (scope) => {
    scope.addHook('preHandler', requireUser);
    scope.addHook('preHandler', loadAccount(accounts));

    async function load(request: FastifyRequest<Params>, reply: FastifyReply): Promise<LicenceRequest | null> {
      const r = await licences.load(request.account!, request.params.file);
      if (!r) await reply.callNotFound(); // someone else's file number looks like an unknown one
      return r;
    }

    const timeline = createTimeline({ db: app.database.db });
    scope.get('/permis', async (request, reply) => {
      const rows = await licences.list(request.account!);
      return reply.render(<LicenceSpacePage rows={rows.map((r) => ({ ...viewOf(r), resumeHref: resumeHref(r) }))} />);
    });

    const startPage = (request: FastifyRequest, reply: FastifyReply, values: Body, errors: Record<string, string>) =>
      reply.render(<StartPage values={values} errors={errors} reasons={licences.reasonsFor(request.account!)} drivingSchool={request.account!.profile === 'driving_school'} />, Object.keys(errors).length ? 400 : 200);
    scope.get('/permis/demandes/nouvelle', (request, reply) => {
      // ?motif=<reason> preselects a reason this account may choose (a way out of another page)
      const motif = String((request.query as Record<string, unknown>).motif ?? '');
      const reason = licences.reasonsFor(request.account!).find((r) => r === motif);
      return startPage(request, reply, { idempotency_key: randomBytes(16).toString('base64url'), ...(reason ? { reason } : {}) }, {});
    });
    scope.post('/permis/demandes/nouvelle', async (request, reply) => {
      const form = body(request);
      const outcome = await licences.start(request.account!, form, actorOf(request));
      if (!outcome.ok) return startPage(request, reply, form, outcome.errors);
      return reply.redirect(stepHref(outcome.value.fileNumber, 'details'), 303);
    });

    scope.get<Params>('/permis/demandes/:file', async (request, reply) => {
      const r = await load(request, reply);
      if (!r) return;
      const entries = await timeline.of({ kind: 'licence_request', id: r.id, accountId: r.account_id }, { kind: 'user' }, { pieceHref: (id) => `/permis/demandes/${r.file_number}/pieces/${id}` });
      const documents = licences.documentsOf(r);
      // each link states the size of the very PDF it serves, measured once per version of the request
      const sizes = await Promise.all(documents.map((kind) => measuredPdfSize(`licence:${r.file_number}:${kind}:${r.updated_at.toISOString()}`, async () => (await licences.document(r, kind))?.pdf)));
      const documentSizes = Object.fromEntries(documents.map((kind, i) => [kind, sizes[i]]));
      return reply.render(<RequestPage r={viewOf(r)} pieces={await licences.pieces(r)} documents={documents} documentSizes={documentSizes} resumeHref={resumeHref(r)} timeline={entries} />);
    });

    scope.post<Params>('/permis/demandes/:file/supprimer', async (request, reply) => {
      const r = await load(request, reply);
      if (!r) return;
      if (await licences.deleteDraft(r, actorOf(request))) {
        request.session.flash('success', `Le brouillon ${r.file_number} est supprimé.`);
        // the way out of a correction with nothing to correct: the new request's form, damage chosen
        if (body(request).ensuite === 'deterioration') return reply.redirect('/permis/demandes/nouvelle?motif=damage', 303);
      } else request.session.flash('error', 'Seul un brouillon peut être supprimé : une demande envoyée reste jusqu’à sa suppression automatique, 6 mois après sa création.');
      return reply.redirect('/permis', 303);
    });

    scope.get<{ Params: { file: string; kind: string } }>('/permis/demandes/:file/documents/:kind', async (request, reply) => {
      const r = await load(request, reply);
      if (!r) return;
      const kind = request.params.kind.replace(/\.pdf$/, '') as LicenceDocument;
      const doc = ['recepisse', 'fps', 'attestation'].includes(kind) ? await licences.document(r, kind) : null;
      if (!doc) return reply.callNotFound();
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${doc.filename}"`)
        .header('cache-control', 'private, no-store')
        .send(doc.pdf);
    });

    scope.get<{ Params: { file: string; id: string } }>('/permis/demandes/:file/pieces/:id', async (request, reply) => {
      const r = await load(request, reply);
      if (!r) return;
      const id = Number(request.params.id);
      const piece = Number.isSafeInteger(id) && id > 0 ? await licences.piece(r, id) : undefined;
      if (!piece) return reply.callNotFound();
      return sendAttachment(reply, app.attachments, piece, 'inline');
    });

    async function renderStep(reply: FastifyReply, r: LicenceRequest, step: EditStep, errors: Record<string, string> = {}, typed?: Body) {
      const status = Object.keys(errors).length ? 400 : 200;
      const view = viewOf(r);
      const values = typed ?? savedValues(r, step);
      if (step === 'details') return reply.render(<DetailsPage r={view} values={values} errors={errors} origins={r.reason === 'correction' ? await licences.correctableOrigins(r.account_id) : []} />, status);
      if (step === 'identity') return reply.render(<IdentityPage r={view} values={values} errors={errors} />, status);
      if (step === 'contact') return reply.render(<ContactPage r={view} values={values} errors={errors} photoLocked={r.status !== 'draft'} />, status);
      const pieces = await licences.pieces(r);
      if (step === 'pieces') return reply.render(<PiecesPage r={view} required={licences.required(r)} pieces={pieces} errors={errors} />, status);
      return reply.render(<SummaryPage r={view} pieces={pieces} feeCents={feeOf(r)} values={values} errors={errors} />, status);
    }

    scope.get<{ Params: { file: string; step: string } }>('/permis/demandes/:file/etape/:step', async (request, reply) => {
      const r = await load(request, reply);
      if (!r) return;
      const step = SLUG_STEPS[request.params.step];
      if (!step) return reply.callNotFound();
      if (!EDITABLE.includes(r.status)) return reply.redirect(`/permis/demandes/${r.file_number}`, 303);
      const { next } = progress(r);
      // a later step is reached only once the earlier ones are saved
      const order: EditStep[] = ['details', 'identity', 'contact', 'pieces', 'summary'];
      if (order.indexOf(step) > order.indexOf(next as EditStep)) return reply.redirect(stepHref(r.file_number, next as EditStep), 303);
      return renderStep(reply, r, step);
    });

    // the categories and the exclusions are checkbox groups (each ticked box sends the field once); the pieces step has one file field per piece
    scope.post<{ Params: { file: string; step: string } }>('/permis/demandes/:file/etape/:step', { config: { multiValued: ['categories', 'exclusions'], uploads: { maxFiles: Object.keys(PIECES).length } } }, async (request, reply) => {
      const r = await load(request, reply);
      if (!r) return;
      const step = SLUG_STEPS[request.params.step];
      if (!step) return reply.callNotFound();
      if (!EDITABLE.includes(r.status)) return reply.redirect(`/permis/demandes/${r.file_number}`, 303);
      const form = body(request);
      const account = request.account!;
      const outcome =
        step === 'details'
          ? await licences.saveDetails(r, form)
          : step === 'identity'
            ? await licences.saveIdentity(r, form)
            : step === 'contact'
              ? await licences.saveContact(r, form, { accountId: account.id, ip: request.ip })
              : step === 'pieces'
                ? await licences.savePieces(r, request.uploads, account, actorOf(request), form.action !== 'add')
                : await licences.submit(r, form, actorOf(request), stampThrottleOf(request));
      const fresh = (await licences.load(account, r.file_number)) ?? r;
      // a double click on "Valider la demande": the first click sent it, the second shows it
      if (!outcome.ok && !EDITABLE.includes(fresh.status)) return reply.redirect(`/permis/demandes/${r.file_number}`, 303);
      if (!outcome.ok) return renderStep(reply, fresh, step, outcome.errors, step === 'pieces' ? undefined : form);
      if (step === 'pieces' && form.action === 'add') {
        request.session.flash('success', 'Les fichiers sont joints à la demande.');
        return reply.redirect(stepHref(r.file_number, 'pieces'), 303);
      }
      if (step === 'summary') {
        request.session.flash('success', r.status === 'to_complete' ? 'Votre demande complétée est renvoyée à l’administration.' : 'Votre demande est envoyée. Téléchargez votre récépissé de dépôt.');
        return reply.redirect(`/permis/demandes/${r.file_number}`, 303);
      }
      const nextStep = progress(fresh).next as EditStep;
      return reply.redirect(stepHref(r.file_number, r.status === 'to_complete' ? 'summary' : nextStep), 303);
    });
  });
}
