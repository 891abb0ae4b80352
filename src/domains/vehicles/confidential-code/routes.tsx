import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../../platform/http/guards.ts';
import { guessLockMessage } from '../procedures/guess-limits.ts';
import type { VehiclesService } from '../procedures/service.ts';
import { NewCodePage } from './pages.tsx';

type Body = Record<string, string | undefined>;
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;
/** The procedure page, shown again with the code's error (procedures/routes.tsx). */
type ShowProcedure = (
  request: FastifyRequest,
  reply: FastifyReply,
  fileNumber: string,
  errors?: Record<string, string>,
  status?: number,
  refusal?: { message: string; resume?: string },
) => Promise<unknown>;

/** The confidential code: entering it on the procedure page, asking a new one for the holder. Inside the signed-in user's scope. */
export function registerConfidentialCodeRoutes(scope: FastifyInstance, vehicles: VehiclesService, showProcedure: ShowProcedure): void {
  scope.post<{ Params: { file: string } }>('/vehicules/demandes/:file/code', async (request, reply) => {
    const result = await vehicles.enterCode(request.account!, request.params.file, body(request).code ?? '', actorOf(request));
    if (!result.ok) {
      if ('throttled' in result) return showProcedure(request, reply, request.params.file, { code: guessLockMessage('confidential_code', result.throttled) }, 429);
      if ('conflict' in result) return showProcedure(request, reply, request.params.file, {}, 409, { message: result.conflict, resume: result.resume });
      return showProcedure(request, reply, request.params.file, 'errors' in result ? result.errors : {}, 'locked' in result ? 429 : 400);
    }
    request.session.flash('success', 'Code confidentiel accepté.');
    return reply.redirect(`/vehicules/demandes/${request.params.file}`, 303);
  });

  scope.get<{ Params: { file: string } }>('/vehicules/demandes/:file/nouveau-code', async (request, reply) => {
    const procedure = await vehicles.procedure(request.account!, request.params.file);
    if (!procedure) return reply.callNotFound();
    const { vehicle } = await vehicles.details(procedure, request.account!);
    return reply.render(<NewCodePage fileNumber={procedure.file_number} plate={vehicle.plate} values={{}} errors={{}} />);
  });
  scope.post<{ Params: { file: string } }>('/vehicules/demandes/:file/nouveau-code', async (request, reply) => {
    const procedure = await vehicles.procedure(request.account!, request.params.file);
    if (!procedure) return reply.callNotFound();
    const form = body(request);
    const outcome = await vehicles.requestNewCode(request.account!, procedure.file_number, form, actorOf(request));
    if (!outcome.ok) {
      const { vehicle } = await vehicles.details(procedure, request.account!);
      const errors = 'throttled' in outcome ? { form: guessLockMessage('identity', outcome.throttled) } : outcome.errors;
      return reply.render(<NewCodePage fileNumber={procedure.file_number} plate={vehicle.plate} values={form} errors={errors} />, 'throttled' in outcome ? 429 : errors.form?.startsWith('Un courrier') ? 409 : 400);
    }
    request.session.flash(
      'success',
      outcome.value.email === 'code'
        ? 'Un nouveau code vous est envoyé par courriel, et par courrier à l’adresse du titulaire inscrite sur la carte grise. Votre démarche vous attend ici.'
        : outcome.value.email === 'notice'
          ? 'Comme votre compte n’est pas certifié (FranceConnect), le nouveau code vous est envoyé par courrier à l’adresse inscrite sur la carte grise ; un courriel vous le confirme. Votre démarche vous attend ici.'
          : 'Un nouveau code est envoyé par courrier à l’adresse du titulaire inscrite sur la carte grise : demandez-le au titulaire. Votre démarche vous attend ici.',
    );
    return reply.redirect(`/vehicules/demandes/${procedure.file_number}`, 303);
  });
}
