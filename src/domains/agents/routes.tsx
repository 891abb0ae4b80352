import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Agent, HabilitationStatus } from '../../schema.ts';
import { actorOf } from '../../platform/http/guards.ts';
import {
  AccountAdminPage,
  AccountsSearchPage,
  AgentHomePage,
  AgentSignInPage,
  HabilitationPage,
  HabilitationRequestedPage,
  HabilitationRequestPage,
  HabilitationsPage,
  TownHallPage,
} from './pages/pages.tsx';
import { AgentCodePage, AgentEnrolmentPage } from './pages/second-factor.tsx';
import { HABILITATION_ACTIONS, HABILITATION_STATUS_LABELS, type HabilitationAction } from './model.ts';
import { registerMaintenanceAdminRoutes } from './maintenance-routes.tsx';
import { ForbiddenError, type AgentsService, type SecondFactorOutcome } from './service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    agent: Agent | null;
  }
}

/**
 * The back office's guard: an agent signed in with both factors, always; a user's session never
 * gets in. Other domains' agent pages register their own scope with it.
 */
export function agentGuard(agents: Pick<AgentsService, 'findAgent'>) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const agentId = request.session.get<number>('agentId');
    const agent = agentId ? await agents.findAgent(agentId) : undefined;
    if (!agent || !agent.totp_confirmed_at) return reply.redirect('/agents/connexion', 303);
    request.agent = agent;
  };
}

/** Who typed the right password, waiting for the TOTP code; valid PENDING_MINUTES. */
interface PendingAgent {
  id: number;
  at: number;
}
const PENDING_KEY = 'agentPending';
const PENDING_MINUTES = 10;

function pendingAgentId(request: FastifyRequest): number | null {
  const pending = request.session.get<PendingAgent>(PENDING_KEY);
  if (!pending || typeof pending.id !== 'number' || typeof pending.at !== 'number') return null;
  return Date.now() - pending.at < PENDING_MINUTES * 60_000 ? pending.id : null;
}

const SECOND_FACTOR_ERRORS: Record<Exclude<SecondFactorOutcome, { ok: true }>['reason'], string> = {
  empty: 'Saisissez le code à 6 chiffres affiché par votre application d’authentification',
  format: 'Le code comporte 6 chiffres, sans lettre ni espace, par exemple 123456',
  invalid: 'Le code est incorrect ou a expiré : saisissez le code affiché en ce moment par votre application',
  reused: 'Ce code a déjà été utilisé : attendez le code suivant de votre application (il change toutes les 30 secondes)',
  locked: 'Connexion temporairement bloquée',
  no_agent: 'Votre connexion a expiré : recommencez',
  unreadable: 'Votre code ne peut pas être vérifié : la double authentification de votre compte doit être réinitialisée. Contactez l’administrateur de l’espace agent.',
};

type Body = Record<string, string | undefined>;
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;
const idParam = (request: FastifyRequest): number | null => {
  const id = Number((request.params as { id?: string }).id);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
};

export function registerAgentRoutes(app: FastifyInstance, agents: AgentsService): void {
  app.decorateRequest('agent', null);

  // ---- Public: a professional asks for the SIV habilitation ----
  app.get('/habilitation-siv', (_request, reply) => reply.render(<HabilitationRequestPage values={{}} errors={{}} />));
  app.post('/habilitation-siv', async (request, reply) => {
    const form = body(request);
    const outcome = await agents.requestHabilitation(form, actorOf(request));
    if (!outcome.ok) return reply.render(<HabilitationRequestPage values={form} errors={outcome.errors} />, 400);
    return reply.redirect('/habilitation-siv/envoyee', 303);
  });
  app.get('/habilitation-siv/envoyee', (_request, reply) => reply.render(<HabilitationRequestedPage />));

  // ---- Agents' sign-in: separate from users' ----
  app.get('/agents/connexion', (_request, reply) => reply.render(<AgentSignInPage email="" />));
  app.post('/agents/connexion', async (request, reply) => {
    const form = body(request);
    const result = await agents.signIn(form.email ?? '', form.password ?? '', request.ip);
    if (!result.ok) {
      if (result.locked) return reply.render(<AgentSignInPage email={form.email ?? ''} lockedUntil={result.locked} />, 429);
      return reply.render(<AgentSignInPage email={form.email ?? ''} error="Adresse électronique ou mot de passe incorrect" />, 401);
    }
    // Not signed in yet: the session only remembers who typed the right password, for a few minutes.
    request.session.rotate(null);
    request.session.set('agentId', undefined);
    request.session.set(PENDING_KEY, { id: result.agent.id, at: Date.now() } satisfies PendingAgent);
    return reply.redirect(result.enrolled ? '/agents/connexion/code' : '/agents/connexion/enrolement', 303);
  });

  // ---- Second factor (TOTP): the code, or the enrolment of an agent who has none yet ----
  const restart = (request: FastifyRequest, reply: FastifyReply) => {
    request.session.set(PENDING_KEY, undefined);
    request.session.flash('warning', 'Votre connexion a expiré : saisissez de nouveau votre adresse électronique et votre mot de passe.');
    return reply.redirect('/agents/connexion', 303);
  };

  app.get('/agents/connexion/code', async (request, reply) => {
    const id = pendingAgentId(request);
    const state = id ? await agents.secondFactorState(id) : undefined;
    if (!state) return restart(request, reply);
    if (!state.enrolled) return reply.redirect('/agents/connexion/enrolement', 303);
    return reply.render(<AgentCodePage />);
  });

  app.get('/agents/connexion/enrolement', async (request, reply) => {
    const id = pendingAgentId(request);
    const state = id ? await agents.secondFactorState(id) : undefined;
    if (!state) return restart(request, reply);
    if (state.enrolled) return reply.redirect('/agents/connexion/code', 303);
    const enrolment = await agents.enrolment(state.agent.id);
    if (!enrolment) return restart(request, reply);
    reply.header('cache-control', 'no-store');
    return reply.render(<AgentEnrolmentPage {...enrolment} />);
  });

  const secondFactor = (page: 'code' | 'enrolement') =>
    app.post(`/agents/connexion/${page}`, async (request, reply) => {
      const id = pendingAgentId(request);
      if (!id) return restart(request, reply);
      const outcome = await agents.verifySecondFactor(id, body(request).code ?? '', request.ip);
      if (outcome.ok) {
        request.session.rotate(null, true);
        request.session.set(PENDING_KEY, undefined);
        request.session.set('agentId', outcome.agent.id);
        if (outcome.enrolled) request.session.flash('success', 'La double authentification est activée : à chaque connexion, saisissez le code de votre application.');
        return reply.redirect('/agents', 303);
      }
      if (outcome.reason === 'no_agent') return restart(request, reply);
      const lockedUntil = outcome.reason === 'locked' ? outcome.until : undefined;
      const error = outcome.reason === 'locked' ? undefined : SECOND_FACTOR_ERRORS[outcome.reason];
      const status = lockedUntil ? 429 : outcome.reason === 'unreadable' ? 500 : 400;
      if (page === 'enrolement') {
        const enrolment = await agents.enrolment(id);
        if (enrolment) {
          reply.header('cache-control', 'no-store');
          return reply.render(<AgentEnrolmentPage {...enrolment} error={error} lockedUntil={lockedUntil} />, status);
        }
      }
      return reply.render(<AgentCodePage error={error} lockedUntil={lockedUntil} />, status);
    });
  secondFactor('code');
  secondFactor('enrolement');

  app.post('/agents/deconnexion', async (request, reply) => {
    request.session.destroy();
    return reply.redirect('/agents/connexion', 303);
  });

  // ---- Back office: agents only (a user session never gets in) ----
  app.register(async (scope) => {
    scope.addHook('preHandler', agentGuard(agents));

    scope.get('/agents', (request, reply) => reply.render(<AgentHomePage agent={request.agent!} />));

    scope.get('/agents/habilitations', async (request, reply) => {
      const raw = (request.query as Body).statut;
      const status = raw && raw in HABILITATION_STATUS_LABELS ? (raw as HabilitationStatus) : null;
      return reply.render(<HabilitationsPage rows={await agents.listHabilitations(request.agent!, status)} status={status} />);
    });

    scope.get('/agents/habilitations/:id', async (request, reply) => {
      const id = idParam(request);
      const row = id ? await agents.habilitation(request.agent!, id) : null;
      if (!row) return reply.callNotFound();
      return reply.render(<HabilitationPage row={row} errors={{}} />);
    });

    scope.post<{ Params: { id: string; action: string } }>('/agents/habilitations/:id/:action', async (request, reply) => {
      const id = idParam(request);
      const action = request.params.action as HabilitationAction;
      if (!id || !HABILITATION_ACTIONS.includes(action)) return reply.callNotFound();
      const outcome = await agents.decideHabilitation(request.agent!, id, action, body(request).reason ?? '', request.ip);
      if (!outcome.ok) {
        const row = await agents.habilitation(request.agent!, id);
        if (!row) return reply.callNotFound();
        return reply.render(<HabilitationPage row={row} errors={outcome.errors} />, 400);
      }
      request.session.flash('success', 'La décision est enregistrée et le professionnel en est informé par courriel.');
      return reply.redirect(`/agents/habilitations/${id}`, 303);
    });

    scope.get('/agents/comptes', async (request, reply) => {
      const q = ((request.query as Body).q ?? '').slice(0, 254);
      return reply.render(<AccountsSearchPage query={q} rows={await agents.searchAccounts(request.agent!, q)} />);
    });

    scope.get('/agents/comptes/:id', async (request, reply) => {
      const id = idParam(request);
      const account = id ? await agents.account(request.agent!, id) : undefined;
      if (!account) return reply.callNotFound();
      return reply.render(<AccountAdminPage account={account} errors={{}} values={{}} />);
    });

    const accountAction = (path: string, run: (agent: Agent, id: number, form: Body, ip: string) => ReturnType<AgentsService['reactivateAccount']>, done: string, after: (id: number) => string) =>
      scope.post(`/agents/comptes/:id/${path}`, async (request, reply) => {
        const id = idParam(request);
        if (!id) return reply.callNotFound();
        const form = body(request);
        const outcome = await run(request.agent!, id, form, request.ip);
        if (!outcome.ok) {
          const account = await agents.account(request.agent!, id);
          if (!account) return reply.callNotFound();
          return reply.render(<AccountAdminPage account={account} errors={outcome.errors} values={form} />, 400);
        }
        request.session.flash('success', done);
        return reply.redirect(after(id), 303);
      });
    accountAction('suspendre', (a, id, f, ip) => agents.suspendAccount(a, id, f, ip), 'Le compte est suspendu ; l’usager en est informé par courriel.', (id) => `/agents/comptes/${id}`);
    accountAction('reactiver', (a, id, _f, ip) => agents.reactivateAccount(a, id, ip), 'Le compte est réactivé.', (id) => `/agents/comptes/${id}`);
    accountAction(
      'supprimer',
      async (a, id, f, ip) => {
        const r = await agents.deleteAccount(a, id, f.delete_reason ?? '', ip);
        return r.ok ? r : { ok: false, errors: r.errors.reason ? { delete_reason: r.errors.reason } : r.errors };
      },
      'Le compte est supprimé ; l’usager en est informé par courriel.',
      () => '/agents/comptes',
    );

    registerMaintenanceAdminRoutes(scope, agents);

    scope.get('/agents/mairies/nouvelle', (request, reply) => {
      if (request.agent!.role !== 'operator') throw new ForbiddenError('Création des comptes de mairie réservée aux opérateurs');
      return reply.render(<TownHallPage values={{}} errors={{}} />);
    });
    scope.post('/agents/mairies/nouvelle', async (request, reply) => {
      const form = body(request);
      const outcome = await agents.createTownHall(request.agent!, form, request.ip);
      if (!outcome.ok) return reply.render(<TownHallPage values={form} errors={outcome.errors} />, 400);
      request.session.flash('success', 'Le compte de la mairie est créé ; elle reçoit le lien pour choisir son mot de passe.');
      return reply.redirect(`/agents/comptes/${outcome.value.id}`, 303);
    });
  });
}
