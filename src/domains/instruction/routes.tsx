import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendAttachment } from '../../platform/files/attachments.ts';
import { HistoryExportPage, VehicleQueuePage, VehicleRequestPage } from './pages.tsx';
import { agentGuard } from '../agents/routes.tsx';
import type { AgentsService } from '../agents/service.ts';
import { INSTRUCTED_KINDS, parseFilters, type InstructionError, type VehicleInstruction } from './vehicle-instruction.ts';
import { createTimeline } from '../my-requests/timeline.ts';

type Body = Record<string, string | undefined>;
type Params = { Params: { file: string } };
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;

/** The instruction centre's back office for vehicle requests (agents only, both factors). */
export function registerInstructionRoutes(app: FastifyInstance, agents: AgentsService, instruction: VehicleInstruction): void {
  app.register(async (scope) => {
    scope.addHook('preHandler', agentGuard(agents));

    async function fail(request: FastifyRequest, reply: FastifyReply, error: InstructionError, file?: string) {
      if (error.status === 404) return reply.callNotFound();
      request.session.flash('error', error.error);
      return reply.redirect(error.status === 409 && file ? `/agents/vehicules/${file}` : '/agents', 303);
    }

    const timeline = createTimeline({ db: app.database.db });
    async function show(request: FastifyRequest<Params>, reply: FastifyReply, errors: Record<string, string> = {}, values: Body = {}) {
      const view = await instruction.view(request.agent!, request.params.file, request.ip);
      if (!view.ok) return fail(request, reply, view);
      const p = view.p;
      const entries = await timeline.of({ kind: 'vehicle_procedure', id: p.id, accountId: p.account_id, vehicleId: p.vehicle_id, fileNumber: p.file_number }, { kind: 'agent' }, {
        pieceHref: (id) => `/agents/vehicules/${p.file_number}/pieces/${id}`,
      });
      return reply.render(<VehicleRequestPage agent={request.agent!} view={view} timeline={entries} errors={errors} values={values} />, Object.keys(errors).length ? 400 : 200);
    }

    scope.get('/agents/vehicules', async (request, reply) => {
      if (!instruction.isInstructor(request.agent!)) return fail(request, reply, { ok: false, error: 'Ces demandes sont instruites par le centre d’instruction des véhicules.', status: 403 });
      const filters = parseFilters(request.query as Body);
      // a refused date filters nothing: no list rather than the whole queue as if no date had been typed
      const { rows, next } = Object.keys(filters.errors ?? {}).length ? { rows: [], next: null } : await instruction.queue(request.agent!, filters);
      return reply.render(<VehicleQueuePage agent={request.agent!} filters={filters} rows={rows} next={next} kinds={INSTRUCTED_KINDS} />);
    });

    scope.get<Params>('/agents/vehicules/:file', (request, reply) => show(request, reply));

    scope.post<Params>('/agents/vehicules/:file/prendre', async (request, reply) => {
      const r = await instruction.take(request.agent!, request.params.file, request.ip);
      if (!r.ok) return fail(request, reply, r, request.params.file);
      request.session.flash('success', 'Vous avez pris la demande : vous seul pouvez la décider.');
      return reply.redirect(`/agents/vehicules/${request.params.file}`, 303);
    });

    scope.post<Params>('/agents/vehicules/:file/liberer', async (request, reply) => {
      const r = await instruction.release(request.agent!, request.params.file, request.ip);
      if (!r.ok) return fail(request, reply, r, request.params.file);
      request.session.flash('info', 'La demande est remise dans la file.');
      return reply.redirect(`/agents/vehicules/${request.params.file}`, 303);
    });

    scope.post<{ Params: { file: string; id: string } }>('/agents/vehicules/:file/pieces/:id/examen', async (request, reply) => {
      const id = Number(request.params.id);
      if (!Number.isSafeInteger(id)) return reply.callNotFound();
      const form = body(request);
      const r = await instruction.reviewPiece(request.agent!, request.params.file, id, form, request.ip);
      if (!r.ok && 'errors' in r) return show(request, reply, r.errors, { [`decision-${id}`]: form.decision, [`reason-${id}`]: form.reason, [`note-${id}`]: form.note });
      if (!r.ok) return fail(request, reply, r, request.params.file);
      request.session.flash('success', form.decision === 'accepted' ? 'La pièce est acceptée.' : 'La pièce est refusée ; demandez maintenant un complément à l’usager.');
      return reply.redirect(`/agents/vehicules/${request.params.file}`, 303);
    });

    scope.post<{ Params: { file: string; action: string } }>('/agents/vehicules/:file/decision/:action', async (request, reply) => {
      const form = body(request);
      const r = await instruction.decide(request.agent!, request.params.file, request.params.action, form, request.ip);
      if (!r.ok && 'errors' in r) return show(request, reply, r.errors, { [`note-${request.params.action}`]: form.note });
      if (!r.ok) return fail(request, reply, r, request.params.file);
      request.session.flash('success', 'La décision est enregistrée ; l’usager en est informé par courriel.');
      return reply.redirect(`/agents/vehicules/${request.params.file}`, 303);
    });

    scope.post<Params>('/agents/vehicules/:file/message', async (request, reply) => {
      const form = body(request);
      const r = await instruction.message(request.agent!, request.params.file, form.message ?? '', request.ip);
      if (!r.ok && 'errors' in r) return show(request, reply, r.errors, { message: form.message });
      if (!r.ok) return fail(request, reply, r, request.params.file);
      request.session.flash('success', 'Le message est envoyé ; l’usager est prévenu par courriel.');
      return reply.redirect(`/agents/vehicules/${request.params.file}`, 303);
    });

    scope.get<{ Params: { file: string; id: string } }>('/agents/vehicules/:file/pieces/:id', async (request, reply) => {
      const id = Number(request.params.id);
      const piece = Number.isSafeInteger(id) ? await instruction.piece(request.agent!, request.params.file, id, request.ip) : null;
      if (!piece) return reply.callNotFound();
      return sendAttachment(reply, app.attachments, piece);
    });

    scope.get('/agents/historique', async (request, reply) => {
      if (request.agent!.role !== 'operator') return fail(request, reply, { ok: false, error: 'L’export de l’historique est réservé aux opérateurs de l’agence.', status: 403 });
      const dossier = ((request.query as Body).dossier ?? '').trim().toUpperCase();
      if (!dossier) return reply.render(<HistoryExportPage values={{}} errors={{}} />);
      const csv = /^V\d{2}-[A-Z0-9]{8}$/.test(dossier) ? await instruction.historyCsv(request.agent!, dossier, request.ip) : null;
      if (!csv) return reply.render(<HistoryExportPage values={{ dossier }} errors={{ dossier: 'Aucune demande ne porte ce numéro de dossier (format V26-XXXXXXXX)' }} />, 400);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="historique-${dossier}.csv"`).header('cache-control', 'no-store').send(`\ufeff${csv}`);
    });
  });
}
