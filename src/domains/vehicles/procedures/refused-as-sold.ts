import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../../platform/audit.ts';
import { actorOf } from '../../../platform/http/guards.ts';
import type { VehicleProcedure } from '../tables.ts';

/**
 * At a user's step of a duplicate or a change of address (a form posted, « Payer »): a vehicle
 * declared sold meanwhile (another tab) abandons the request (registry/sold.ts, through the
 * procedure's service), and the user is told why, on the request's page. True: answered.
 */
export async function refusedAsSold(
  service: { refuseIfSold(p: VehicleProcedure, actor: Actor): Promise<string | null> },
  request: FastifyRequest,
  reply: FastifyReply,
  p: VehicleProcedure,
): Promise<boolean> {
  const refusal = await service.refuseIfSold(p, actorOf(request));
  if (!refusal) return false;
  request.session.flash('error', refusal);
  await reply.redirect(`/vehicules/demandes/${p.file_number}`, 303);
  return true;
}
