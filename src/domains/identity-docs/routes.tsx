import { measuredPdfSize } from '../../platform/pdf/measured-size.ts';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../../schema.ts';
import { actorOf, loadAccount, requireUser } from '../../platform/http/guards.ts';
import { ForbiddenPage } from '../../ui/pages/errors.tsx';
import {
  PreApplicationListPage,
  PreApplicationPage,
  StepPage,
  SummaryPage,
  TownHallPreApplicationPage,
  TownHallSearchPage,
} from './pages.tsx';
import { Alert } from '../../ui/components/content.tsx';
import { formatDate } from '../../ui/format.ts';
import type { AccountsService } from '../accounts/service.ts';
import { stampThrottleOf } from '../stamps/routes.tsx';
import { groupNumber, STEP_SLUGS, STEPS, type PreApplicationStep } from './model.ts';
import { preApplicationPdf } from './documents.ts';
import { pdfLibraries } from '../../platform/pdf/libraries.ts';
import type { PreApplicationService } from './service.ts';
import { canOpenStep, firstIncompleteStep } from './steps-progress.ts';
import type { Retrieval } from './town-hall.ts';
import { createTimeline } from '../my-requests/timeline.ts';
import type { PreApplication } from './tables.ts';

type Body = Record<string, string | undefined>;
const QR_SCAN_SCRIPT = readFileSync(fileURLToPath(new URL('./qr-scan.js', import.meta.url)), 'utf8');
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;
const newKey = () => randomBytes(16).toString('base64url');
const STEP_OF_SLUG = Object.fromEntries(Object.entries(STEP_SLUGS).map(([step, slug]) => [slug, step])) as Record<string, PreApplicationStep>;

/** What a step's form shows: the answers kept (the birth date as typed: JJ/MM/AAAA). */
function valuesOf(p: PreApplication, account: Account): Body {
  const d = p.data;
  const self = d.forWhom === 'self';
  return {
    document: d.reason ? p.document : undefined,
    forWhom: d.forWhom,
    reason: d.reason,
    sex: d.sex,
    birthName: d.birthName ?? (self ? (account.family_name ?? undefined) : undefined),
    usageName: d.usageName,
    givenNames: d.givenNames ?? (self ? (account.given_name ?? undefined) : undefined),
    birthDate: d.birthDate?.split('-').reverse().join('/'),
    birthPlace: d.birthPlace,
    birthCountry: d.birthCountry ?? 'France',
    parent1Name: d.parent1Name,
    parent1GivenNames: d.parent1GivenNames,
    parent2Name: d.parent2Name,
    parent2GivenNames: d.parent2GivenNames,
    line1: d.line1,
    line2: d.line2,
    postcode: d.postcode,
    commune: d.commune,
    heightCm: d.heightCm === undefined ? undefined : String(d.heightCm),
    eyes: d.eyes,
  };
}

/** The user's pre-applications (/pre-demandes) and the town hall's retrieval pages (/mairie/…). */
export function registerPreApplicationRoutes(app: FastifyInstance, service: PreApplicationService, accounts: AccountsService): void {
  // The optional camera scan of the town hall's search page (a file of our own: CSP script-src 'self').
  app.get('/mairie/qr-scan.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(QR_SCAN_SCRIPT));

  app.register(async (scope) => {
    scope.addHook('preHandler', requireUser);
    scope.addHook('preHandler', loadAccount(accounts));

    async function load(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply) {
      const p = await service.load(request.account!.id, Number(request.params.id));
      if (!p) await reply.callNotFound(); // someone else's pre-application looks like an unknown one
      return p;
    }

    async function renderStep(reply: FastifyReply, request: FastifyRequest, p: PreApplication, step: PreApplicationStep, errors: Record<string, string> = {}, typed?: Body) {
      const status = Object.keys(errors).length ? 400 : 200;
      const fee = service.fee(p);
      if (step === 'summary') return reply.render(<SummaryPage p={p} fee={fee!} values={typed ?? {}} errors={errors} />, status);
      return reply.render(<StepPage p={p} step={step} fee={fee} values={typed ?? valuesOf(p, request.account!)} errors={errors} />, status);
    }

    const timeline = createTimeline({ db: app.database.db });
    scope.get('/pre-demandes', async (request, reply) => {
      // a town hall does not apply: its side of the pre-applications is the retrieval page
      if (request.account!.profile === 'town_hall') return reply.redirect('/mairie/pre-demandes', 303);
      return reply.render(<PreApplicationListPage items={await service.list(request.account!.id)} idempotencyKey={newKey()} />);
    });

    scope.post('/pre-demandes/nouvelle', async (request, reply) => {
      if (request.account!.profile === 'town_hall') return reply.redirect('/mairie/pre-demandes', 303);
      const outcome = await service.start(request.account!, body(request).idempotency_key ?? '', actorOf(request));
      if (!outcome.ok) return reply.render(<PreApplicationListPage items={await service.list(request.account!.id)} idempotencyKey={newKey()} errors={outcome.errors} />, 400);
      return reply.redirect(`/pre-demandes/${outcome.value.id}`, 303);
    });

    scope.get<{ Params: { id: string } }>('/pre-demandes/:id', async (request, reply) => {
      const p = await load(request, reply);
      if (!p) return;
      if (p.status === 'draft') return reply.redirect(`/pre-demandes/${p.id}/${STEP_SLUGS[firstIncompleteStep(p)]}`, 303);
      const { QRCode } = await pdfLibraries(); // loaded after the start (libraries.ts), as for the PDF below
      const qr = await QRCode.toDataURL(service.retrievalUrl(p.number!), { margin: 1, width: 360 });
      const entries = await timeline.of({ kind: 'pre_application', id: p.id, accountId: p.account_id }, { kind: 'user' });
      const recapBytes = await measuredPdfSize(`pre-application:${p.id}:${p.updated_at.toISOString()}`, () => preApplicationPdf(p, service.retrievalUrl(p.number!)));
      return reply.render(<PreApplicationPage p={p} qrDataUrl={qr} timeline={entries} recapBytes={recapBytes} />);
    });

    scope.get<{ Params: { id: string } }>('/pre-demandes/:id/recapitulatif.pdf', async (request, reply) => {
      const p = await load(request, reply);
      if (!p) return;
      if (p.status === 'draft') return reply.redirect(`/pre-demandes/${p.id}`, 303);
      const pdf = await preApplicationPdf(p, service.retrievalUrl(p.number!));
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="pre-demande-${p.number}.pdf"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    });

    scope.post<{ Params: { id: string } }>('/pre-demandes/:id/valider', async (request, reply) => {
      const p = await load(request, reply);
      if (!p) return;
      if (p.status !== 'draft') return reply.redirect(`/pre-demandes/${p.id}`, 303); // double click
      const form = body(request);
      const outcome = await service.submit(p, form, actorOf(request), stampThrottleOf(request));
      if (!outcome.ok) {
        if (firstIncompleteStep(p) !== 'summary') return reply.redirect(`/pre-demandes/${p.id}`, 303);
        return renderStep(reply, request, p, 'summary', outcome.errors, { stamp: form.stamp, certify: form.certify });
      }
      return reply.redirect(`/pre-demandes/${p.id}`, 303);
    });

    scope.get<{ Params: { id: string; step: string } }>('/pre-demandes/:id/:step', async (request, reply) => {
      const step = STEP_OF_SLUG[request.params.step];
      if (!step) return reply.callNotFound();
      const p = await load(request, reply);
      if (!p) return;
      if (p.status !== 'draft' || !canOpenStep(p, step)) return reply.redirect(`/pre-demandes/${p.id}`, 303);
      return renderStep(reply, request, p, step);
    });

    scope.post<{ Params: { id: string; step: string } }>('/pre-demandes/:id/:step', async (request, reply) => {
      const step = STEP_OF_SLUG[request.params.step];
      if (!step || step === 'summary') return reply.callNotFound();
      const p = await load(request, reply);
      if (!p) return;
      if (p.status !== 'draft' || !canOpenStep(p, step)) return reply.redirect(`/pre-demandes/${p.id}`, 303);
      const form = body(request);
      const outcome = await service.saveStep(p, step, form);
      if (!outcome.ok) return renderStep(reply, request, p, step, outcome.errors, form);
      return reply.redirect(`/pre-demandes/${p.id}/${STEP_SLUGS[STEPS[STEPS.indexOf(step) + 1]!]}`, 303);
    });

    // ---- The town hall: retrieval by number or QR code, recording of the appointment ----

    async function townHall(request: FastifyRequest, reply: FastifyReply): Promise<Account | null> {
      const a = request.account!;
      if (a.profile === 'town_hall' && a.status === 'active') return a;
      await reply.render(<ForbiddenPage />, 403);
      return null;
    }

    /** A retrieval that shows no data: a French message on the search page, with the right status. */
    function refusal(reply: FastifyReply, r: Exclude<Retrieval, { kind: 'open' | 'taken_here' }>, typed: string) {
      switch (r.kind) {
        case 'malformed':
          return reply.render(<TownHallSearchPage value={typed} error={r.error} />, 400);
        case 'locked':
          return reply.render(<TownHallSearchPage value={typed} error={r.error} />, 429);
        case 'unknown':
          return reply.render(<TownHallSearchPage value={typed} error={`Aucune pré-demande ne porte le numéro ${groupNumber(r.number)} : vérifiez le numéro avec l’usager`} />, 404);
        case 'expired':
          return reply.render(
            <TownHallSearchPage
              value={typed}
              notice={
                <Alert kind="warning" title={`Pré-demande ${groupNumber(r.number)} expirée`}>
                  <p>Cette pré-demande n’est plus valable depuis le {formatDate(r.expiredAt)} : l’usager doit faire une nouvelle pré-demande.</p>
                </Alert>
              }
            />,
            410,
          );
        case 'taken_elsewhere':
          return reply.render(
            <TownHallSearchPage
              value={typed}
              notice={
                <Alert kind="warning" title={`Pré-demande ${groupNumber(r.number)} déjà utilisée`}>
                  <p>Cette pré-demande a déjà été déposée dans une autre mairie le {formatDate(r.takenAt)} : elle ne peut plus être utilisée ici.</p>
                </Alert>
              }
            />,
            409,
          );
      }
    }

    scope.get<{ Querystring: { numero?: string } }>('/mairie/pre-demandes', async (request, reply) => {
      if (!(await townHall(request, reply))) return;
      const typed = request.query.numero;
      if (typed === undefined) return reply.render(<TownHallSearchPage />);
      // the typed number goes to the same page as the QR code's URL
      const compact = typed.toUpperCase().replace(/[\s-]/g, '');
      if (!compact) return refusal(reply, { kind: 'malformed', error: 'Saisissez le numéro de pré-demande' }, typed);
      if (!/^[A-Z0-9]{1,20}$/.test(compact)) {
        const r = await service.retrieve(request.account!, typed, actorOf(request)); // audited as malformed
        return refusal(reply, r as Extract<Retrieval, { kind: 'malformed' }>, typed);
      }
      return reply.redirect(`/mairie/pre-demandes/${compact}`, 303);
    });

    scope.get<{ Params: { number: string } }>('/mairie/pre-demandes/:number', async (request, reply) => {
      const hall = await townHall(request, reply);
      if (!hall) return;
      const r = await service.retrieve(hall, request.params.number, actorOf(request));
      if (r.kind === 'open' || r.kind === 'taken_here') return reply.render(<TownHallPreApplicationPage p={r.p} taken={r.kind === 'taken_here'} values={{}} errors={{}} />);
      return refusal(reply, r, request.params.number);
    });

    scope.post<{ Params: { number: string } }>('/mairie/pre-demandes/:number/depot', async (request, reply) => {
      const hall = await townHall(request, reply);
      if (!hall) return;
      const form = body(request);
      const outcome = await service.take(hall, request.params.number, form, actorOf(request));
      if (outcome.ok) {
        request.session.flash('success', `Dépôt enregistré : demande n° ${outcome.p.application_number}. L’usager en est informé.`);
        return reply.redirect(`/mairie/pre-demandes/${outcome.p.number}`, 303);
      }
      if ('errors' in outcome) {
        const r = await service.retrieve(hall, request.params.number, actorOf(request));
        if (r.kind === 'open') return reply.render(<TownHallPreApplicationPage p={r.p} taken={false} values={form} errors={outcome.errors} />, 400);
        return r.kind === 'taken_here' ? reply.redirect(`/mairie/pre-demandes/${r.p.number}`, 303) : refusal(reply, r, request.params.number);
      }
      const r = outcome.retrieval;
      if (r.kind === 'taken_here') return reply.redirect(`/mairie/pre-demandes/${r.p.number}`, 303); // double click
      if (r.kind === 'open') return reply.redirect(`/mairie/pre-demandes/${r.p.number}`, 303);
      return refusal(reply, r, request.params.number);
    });
  });
}
