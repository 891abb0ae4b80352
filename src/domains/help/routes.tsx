import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Account, Agent } from '../../schema.ts';
import { sendAttachment, type Attachments } from '../../platform/files/attachments.ts';
import { actorOf, requireUser } from '../../platform/http/guards.ts';
import { ContactAdminPage, ContactQueuePage } from './pages/contact-admin.tsx';
import { ContactFormPage, ContactRequestPage, ContactSentPage, MyContactRequestsPage } from './pages/contact.tsx';
import { ArticlePage, ClaimsPage, HelpHomePage } from './pages/help.tsx';
import type { AccountsService } from '../accounts/service.ts';
import { articleBySlug, searchArticles } from './articles.ts';
import { deadlineOf, type ContactService } from './contact-service.ts';
import { createTimeline } from '../my-requests/timeline.ts';

type Body = Record<string, string | undefined>;
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;
const positiveId = (value: string | undefined): number | null => {
  const id = Number(value);
  return Number.isSafeInteger(id) && id > 0 ? id : null;
};
const newKey = () => randomBytes(16).toString('base64url');

/** The help centre (public), the contact form and "Mes demandes de contact" (users), the operators' queue (back office). */
export function registerHelpRoutes(app: FastifyInstance, deps: { contact: ContactService; accounts: AccountsService; attachments: Attachments }): void {
  const { contact, accounts, attachments } = deps;
  const timeline = createTimeline({ db: app.database.db });

  // ---- Public help centre ----
  app.get('/aide', async (request, reply) => {
    const q = ((request.query as Body).q ?? '').trim().slice(0, 100);
    return reply.render(<HelpHomePage q={q} results={q ? searchArticles(q) : null} />);
  });
  app.get('/aide/reclamations', (_request, reply) => reply.render(<ClaimsPage />));
  app.get<{ Params: { slug: string } }>('/aide/:slug', async (request, reply) => {
    const article = articleBySlug(request.params.slug);
    if (!article) return reply.callNotFound();
    return reply.render(<ArticlePage article={article} />);
  });

  // ---- Writing to the agency: with an account, or without one (name and email, rate-limited) ----
  /** The signed-in user's account, or null for a visitor (an agent's session writes as a visitor). */
  const signedInAccount = async (request: FastifyRequest): Promise<Account | null> => {
    if (request.session.userId === null || request.session.get('agentId')) return null;
    return (await accounts.findById(request.session.userId)) ?? null;
  };

  app.get('/contact', async (request, reply) => {
    const account = await signedInAccount(request);
    return reply.render(<ContactFormPage signedIn={account !== null} values={{ idempotency_key: newKey() }} errors={{}} />);
  });

  app.post('/contact', async (request, reply) => {
    const account = await signedInAccount(request);
    const form = body(request);
    const outcome = await contact.create(account, form, request.uploads ?? [], actorOf(request));
    if (!outcome.ok) {
      const kept = { ...form, idempotency_key: form.idempotency_key || newKey() };
      return reply.render(<ContactFormPage signedIn={account !== null} values={kept} errors={outcome.errors} />, outcome.errors.form?.startsWith('Trop de messages') ? 429 : 400);
    }
    if (account) {
      request.session.flash('success', `Votre demande ${outcome.value.reference} est envoyée. Un accusé de réception vous a été envoyé par courriel.`);
      return reply.redirect(`/contact/demandes/${outcome.value.reference}`, 303);
    }
    request.session.flash('success', `Votre message ${outcome.value.reference} est envoyé. Un accusé de réception vous a été envoyé par courriel ; l’agence vous répondra à la même adresse sous 15 jours ouvrés.`);
    return reply.redirect('/contact/envoye', 303);
  });

  app.get('/contact/envoye', (_request, reply) => reply.render(<ContactSentPage />));

  // ---- Signed-in users: following the answers ----
  app.register(async (scope) => {
    scope.addHook('preHandler', requireUser);
    const accountOf = async (request: FastifyRequest, reply: FastifyReply): Promise<Account | null> => {
      const account = await accounts.findById(request.session.userId!);
      if (!account) await reply.redirect('/connexion', 303);
      return account ?? null;
    };

    scope.get('/contact/demandes', async (request, reply) => {
      const account = await accountOf(request, reply);
      if (!account) return;
      const requests = (await contact.listMine(account)).map((r) => ({ ...r, deadline: deadlineOf(r) }));
      return reply.render(<MyContactRequestsPage requests={requests} />);
    });

    scope.get<{ Params: { reference: string } }>('/contact/demandes/:reference', async (request, reply) => {
      const account = await accountOf(request, reply);
      if (!account) return;
      const r = await contact.mine(account, request.params.reference);
      if (!r) return reply.callNotFound(); // another user's reference looks like an unknown one
      const entries = await timeline.of({ kind: 'contact_request', id: r.id, accountId: account.id }, { kind: 'user' }, { pieceHref: (id) => `/contact/demandes/${r.reference}/pieces/${id}` });
      return reply.render(<ContactRequestPage request={r} deadline={deadlineOf(r)} files={await contact.files(r)} timeline={entries} />);
    });

    scope.get<{ Params: { reference: string; id: string } }>('/contact/demandes/:reference/pieces/:id', async (request, reply) => {
      const account = await accountOf(request, reply);
      if (!account) return;
      const r = await contact.mine(account, request.params.reference);
      const id = positiveId(request.params.id);
      const file = r && id ? await contact.file(r, id) : undefined;
      if (!file) return reply.callNotFound();
      return sendAttachment(reply, attachments, file, 'attachment');
    });
  });

  // ---- Back office: operators answer the requests ----
  app.register(async (scope) => {
    scope.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      const agentId = request.session.get<number>('agentId');
      const agent = agentId ? await contact.findAgent(agentId) : undefined;
      if (!agent || !agent.totp_confirmed_at) return reply.redirect('/agents/connexion', 303); // both factors, always
      (request as FastifyRequest & { contactAgent: Agent }).contactAgent = agent;
    });
    const agentOf = (request: FastifyRequest) => (request as FastifyRequest & { contactAgent: Agent }).contactAgent;

    scope.get('/agents/demandes-de-contact', async (request, reply) => {
      const requests = (await contact.queue(agentOf(request))).map((r) => ({ ...r, deadline: deadlineOf(r) }));
      return reply.render(<ContactQueuePage requests={requests} />);
    });

    async function show(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, values: Body = {}, errors: Record<string, string> = {}) {
      const id = positiveId(request.params.id);
      const r = id ? await contact.openForAgent(agentOf(request), id, request.ip) : undefined;
      if (!r) return reply.callNotFound();
      // the same timeline as the user's, agents named; a request sent without an account has no account (0 matches none: its sender reads "L’usager")
      const entries = await timeline.of({ kind: 'contact_request', id: r.id, accountId: r.account_id ?? 0 }, { kind: 'agent' }, { pieceHref: (file) => `/agents/demandes-de-contact/${r.id}/pieces/${file}` });
      return reply.render(<ContactAdminPage request={r} deadline={deadlineOf(r)} files={await contact.files(r)} timeline={entries} values={values} errors={errors} />, Object.keys(errors).length ? 400 : 200);
    }

    scope.get<{ Params: { id: string } }>('/agents/demandes-de-contact/:id', (request, reply) => show(request, reply));

    scope.post<{ Params: { id: string } }>('/agents/demandes-de-contact/:id/repondre', async (request, reply) => {
      const id = positiveId(request.params.id);
      if (!id) return reply.callNotFound();
      const form = body(request);
      const outcome = await contact.answer(agentOf(request), id, form, request.ip);
      if (!outcome.ok) {
        if (outcome.errors.form === 'Cette demande n’existe pas') return reply.callNotFound();
        return show(request, reply, form, outcome.errors);
      }
      request.session.flash('success', `La réponse à la demande ${outcome.value.reference} est envoyée à l’usager.`);
      return reply.redirect('/agents/demandes-de-contact', 303);
    });

    scope.get<{ Params: { id: string; file: string } }>('/agents/demandes-de-contact/:id/pieces/:file', async (request, reply) => {
      const id = positiveId(request.params.id);
      const fileId = positiveId(request.params.file);
      const r = id ? await contact.forAgent(agentOf(request), id) : undefined;
      const file = r && fileId ? await contact.file(r, fileId) : undefined;
      if (!file) return reply.callNotFound();
      return sendAttachment(reply, attachments, file, 'attachment');
    });
  });
}
