import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Agent } from '../../schema.ts';
import { sendAttachment, type Attachments } from '../../platform/files/attachments.ts';
import { LicenceCasePage, LicenceQueuePage } from './pages/agent.tsx';
import { NephDepartmentsAdminPage } from './pages/neph-reactivation.tsx';
import { departments } from '../directory/communes-geo.ts';
import type { NephReactivation } from './neph-reactivation.ts';
import { REASON_KEYS, STATUS_KEYS, TRANSITIONS, type Reason, type Status, type Transition } from './model.ts';
import { LicenceForbiddenError } from './back-office.ts';
import { dataOf } from './request-data.ts';
import type { LicencesService } from './service.ts';
import { createTimeline } from '../my-requests/timeline.ts';

type Body = Record<string, string | undefined>;
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;
const idParam = (value: string | undefined): number | null => {
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
};

/**
 * The licence service's back office, under /agents/permis. Its own scope with the same guard as
 * the agents' pages (src/domains/agents/routes.tsx): a signed-in agent with a confirmed second
 * factor, else the agents' sign-in; the role is checked by the service (403 for another role).
 */
export function registerLicenceAgentRoutes(app: FastifyInstance, licences: LicencesService, attachments: Attachments, neph: NephReactivation): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      const agentId = request.session.get<number>('agentId');
      const agent = agentId ? await licences.findAgent(agentId) : undefined;
      if (!agent || !agent.totp_confirmed_at) return reply.redirect('/agents/connexion', 303); // both factors, always
      if (agent.role !== 'licence_service') throw new LicenceForbiddenError('Réservé au service d’instruction des permis de conduire');
      request.agent = agent;
    });

    scope.get('/agents/permis', async (request, reply) => {
      const query = request.query as Body;
      const statut = STATUS_KEYS.includes(query.statut as Status) ? (query.statut as Status) : null;
      const motif = REASON_KEYS.includes(query.motif as Reason) ? (query.motif as Reason) : null;
      const q = (query.q ?? '').slice(0, 100);
      const { rows, next } = await licences.queue(request.agent!, { status: statut, reason: motif, q, after: query.apres ?? null });
      const params = (extra: Record<string, string>) => {
        const p = new URLSearchParams({ ...(statut ? { statut } : {}), ...(motif ? { motif } : {}), ...(q ? { q } : {}), ...extra });
        const s = p.toString();
        return `/agents/permis${s ? `?${s}` : ''}`;
      };
      return reply.render(
        <LicenceQueuePage rows={rows} filters={{ statut: statut ?? '', motif: motif ?? '', q }} nextHref={next ? params({ apres: next }) : null} firstHref={query.apres ? params({}) : null} />,
      );
    });

    scope.get('/agents/permis/reactivation-neph', async (_request, reply) => reply.render(<NephDepartmentsAdminPage departments={departments()} referenced={await neph.referenced()} />));

    scope.post('/agents/permis/reactivation-neph', { config: { multiValued: ['departements'] } }, async (request, reply) => {
      const raw = (request.body as Record<string, string | string[] | undefined> | undefined)?.departements;
      const codes = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      const { added, removed } = await neph.set({ kind: 'agent', id: request.agent!.id, ip: request.ip }, codes);
      request.session.flash('success', added.length || removed.length ? `Liste enregistrée : ${added.length} département(s) ajouté(s), ${removed.length} retiré(s).` : 'Liste enregistrée, sans changement.');
      return reply.redirect('/agents/permis/reactivation-neph', 303);
    });

    const timeline = createTimeline({ db: app.database.db });
    async function renderCase(request: FastifyRequest, reply: FastifyReply, id: number, errors: Record<string, string> = {}, values: Body = {}) {
      const found = await licences.forAgent(request.agent!, id);
      if (!found) return reply.callNotFound();
      const agent: Agent = request.agent!;
      return reply.render(
        <LicenceCasePage
          request={found.request}
          data={dataOf(found.request)}
          pieces={found.pieces}
          account={found.account}
          assignee={found.assignee}
          mine={found.request.assigned_agent_id === agent.id}
          errors={errors}
          values={values}
          timeline={await timeline.of({ kind: 'licence_request', id: found.request.id, accountId: found.request.account_id }, { kind: 'agent' }, { pieceHref: (piece) => `/agents/permis/${found.request.id}/pieces/${piece}` })}
        />,
        Object.keys(errors).length ? 409 : 200,
      );
    }

    scope.get<{ Params: { id: string } }>('/agents/permis/:id', async (request, reply) => {
      const id = idParam(request.params.id);
      if (!id) return reply.callNotFound();
      return renderCase(request, reply, id);
    });

    scope.get<{ Params: { id: string; aid: string } }>('/agents/permis/:id/pieces/:aid', async (request, reply) => {
      const id = idParam(request.params.id);
      const aid = idParam(request.params.aid);
      const piece = id && aid ? await licences.attachmentForAgent(request.agent!, id, aid) : undefined;
      if (!piece) return reply.callNotFound();
      return sendAttachment(reply, attachments, piece, 'inline');
    });

    scope.post<{ Params: { id: string } }>('/agents/permis/:id/prendre', async (request, reply) => {
      const id = idParam(request.params.id);
      if (!id) return reply.callNotFound();
      const outcome = await licences.take(request.agent!, id, request.ip);
      if (!outcome.ok) return renderCase(request, reply, id, outcome.errors);
      request.session.flash('success', 'Vous avez pris la demande : vous seul pouvez la décider.');
      return reply.redirect(`/agents/permis/${id}`, 303);
    });

    scope.post<{ Params: { id: string; aid: string } }>('/agents/permis/:id/pieces/:aid/examen', async (request, reply) => {
      const id = idParam(request.params.id);
      const aid = idParam(request.params.aid);
      if (!id || !aid) return reply.callNotFound();
      const form = body(request);
      const outcome = await licences.reviewPiece(request.agent!, id, aid, { verdict: form[`verdict-${aid}`], reason: form[`reason-${aid}`], note: form[`precision-${aid}`] }, request.ip);
      if (!outcome.ok) return renderCase(request, reply, id, outcome.errors);
      request.session.flash('success', 'L’examen de la pièce est enregistré.');
      return reply.redirect(`/agents/permis/${id}`, 303);
    });

    scope.post<{ Params: { id: string; action: string } }>('/agents/permis/:id/decision/:action', async (request, reply) => {
      const id = idParam(request.params.id);
      const action = request.params.action as Transition;
      if (!id || !(action in TRANSITIONS)) return reply.callNotFound();
      const form = body(request);
      const outcome = await licences.decide(request.agent!, id, action, { note: form[`note-${action}`] }, request.ip);
      if (!outcome.ok) {
        const errors = Object.fromEntries(Object.entries(outcome.errors).map(([k, v]) => [k === 'note' ? `note-${action}` : k, v]));
        return renderCase(request, reply, id, errors, form);
      }
      request.session.flash('success', `Décision enregistrée : ${TRANSITIONS[action].label.toLowerCase()}. L’usager en est informé par courriel et SMS.`);
      return reply.redirect(`/agents/permis/${id}`, 303);
    });
  });
}
