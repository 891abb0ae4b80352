import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Agent, HabilitationStatus } from '../../platform/db/schema.ts';
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
} from '../../views/pages/agents/pages.tsx';
import { HABILITATION_ACTIONS, HABILITATION_STATUS_LABELS, type HabilitationAction } from './model.ts';
import type { AgentsService } from './service.ts';

declare module 'fastify' {
  interface FastifyRequest {
    agent: Agent | null;
  }
}

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
    request.session.rotate(null);
    request.session.set('agentId', result.agent.id);
    return reply.redirect('/agents', 303);
  });
  app.post('/agents/deconnexion', async (request, reply) => {
    request.session.destroy();
    return reply.redirect('/agents/connexion', 303);
  });

  // ---- Back office: agents only (a user session never gets in) ----
  app.register(async (scope) => {
    scope.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      const agentId = request.session.get<number>('agentId');
      const agent = agentId ? await agents.findAgent(agentId) : undefined;
      if (!agent) return reply.redirect('/agents/connexion', 303);
      request.agent = agent;
    });

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

    scope.get('/agents/mairies/nouvelle', (_request, reply) => reply.render(<TownHallPage values={{}} errors={{}} />));
    scope.post('/agents/mairies/nouvelle', async (request, reply) => {
      const form = body(request);
      const outcome = await agents.createTownHall(request.agent!, form, request.ip);
      if (!outcome.ok) return reply.render(<TownHallPage values={form} errors={outcome.errors} />, 400);
      request.session.flash('success', 'Le compte de la mairie est créé ; elle reçoit le lien pour choisir son mot de passe.');
      return reply.redirect(`/agents/comptes/${outcome.value.id}`, 303);
    });
  });
}
