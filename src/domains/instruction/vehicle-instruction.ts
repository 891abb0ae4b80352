import type { Db } from '../../platform/db/database.ts';
import type { Agent } from '../../schema.ts';
import type { VehicleDeps } from '../vehicles/deps.ts';
import { isInstructor } from './vehicle-access.ts';
import { decide, reviewPiece } from './vehicle-decisions.ts';
import { messageUser } from './vehicle-messages.ts';
import { queue, queueQuery, type QueueFilters } from './vehicle-queue.ts';
import { historyCsv, requestPiece, viewRequest } from './vehicle-request.ts';
import { releaseRequest, takeRequest } from './vehicle-assignment.ts';

export { INSTRUCTED_KINDS, type InstructionError } from './vehicle-access.ts';
export { parseFilters, QUEUE_STATUSES, type QueueFilters } from './vehicle-queue.ts';

type Form = Record<string, string | undefined>;

/**
 * The instruction centre's work on vehicle requests, as the routes call it: queues
 * (vehicle-queue.ts), the full view of a request, a piece, its history (vehicle-request.ts), taking
 * and releasing it (vehicle-assignment.ts), reviewing pieces and deciding through the procedures'
 * state machine (vehicle-decisions.ts), the thread with the user (vehicle-messages.ts).
 */
export function createVehicleInstruction(deps: Pick<VehicleDeps, 'db' | 'config' | 'attachments'> & { searchDb?: Db }) {
  return {
    isInstructor,
    queueQuery: (agent: Agent, f: QueueFilters) => queueQuery(deps, agent, f),
    queue: (agent: Agent, f: QueueFilters) => queue(deps, agent, f),
    view: (agent: Agent, fileNumber: string, ip: string) => viewRequest(deps, agent, fileNumber, ip),
    take: (agent: Agent, fileNumber: string, ip: string) => takeRequest(deps, agent, fileNumber, ip),
    release: (agent: Agent, fileNumber: string, ip: string) => releaseRequest(deps, agent, fileNumber, ip),
    reviewPiece: (agent: Agent, fileNumber: string, pieceId: number, form: Form, ip: string) => reviewPiece(deps, agent, fileNumber, pieceId, form, ip),
    decide: (agent: Agent, fileNumber: string, action: string, form: Form, ip: string) => decide(deps, agent, fileNumber, action, form, ip),
    message: (agent: Agent, fileNumber: string, body: string, ip: string) => messageUser(deps, agent, fileNumber, body, ip),
    piece: (agent: Agent, fileNumber: string, pieceId: number, ip: string) => requestPiece(deps, agent, fileNumber, pieceId, ip),
    historyCsv: (agent: Agent, fileNumber: string, ip: string) => historyCsv(deps, agent, fileNumber, ip),
  };
}
export type VehicleInstruction = ReturnType<typeof createVehicleInstruction>;
