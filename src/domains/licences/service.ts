import type { Actor } from '../../platform/audit.ts';
import type { Upload } from '../../platform/files/validation.ts';
import type { Account, Agent } from '../../schema.ts';
import type { StampThrottle } from '../stamps/service.ts';
import { attachmentForAgent, findActiveAgent, queue, requestForAgent, reviewPiece } from './back-office.ts';
import { decide, takeRequest } from './decisions.ts';
import type { Input, LicencesDeps } from './deps.ts';
import type { LicenceDocument } from './documents.ts';
import { deleteDraft, listRequests, loadRequest, reasonsFor, startRequest } from './drafts.ts';
import { documentsOf, issueDocument, verifyRequest } from './issued-documents.ts';
import type { Reason, Status, Transition } from './model.ts';
import { findPiece, listPieces, requiredOf, savePieces } from './pieces.ts';
import { enqueueDailyPurge, purge } from './retention.ts';
import { correctableOrigins, saveContact, saveDetails, saveIdentity } from './steps.ts';
import { submitRequest } from './submission.ts';
import type { LicenceRequest } from './tables.ts';

export { PURGE_JOB } from './retention.ts';
export type { LicencesDeps, StampPort } from './deps.ts';

/**
 * Driving-licence requests: each use case is a function of its own module, taking only the
 * dependencies it needs; this factory binds them to the app's, for the routes.
 */
export function createLicencesService(deps: LicencesDeps) {
  return {
    // the user's side: drafting step by step, pieces, sending, documents
    list: (account: Account) => listRequests(deps, account),
    load: (account: Account, fileNumber: string) => loadRequest(deps, account, fileNumber),
    reasonsFor,
    correctableOrigins: (accountId: number) => correctableOrigins(deps, accountId),
    start: (account: Account, input: Input, actor: Actor) => startRequest(deps, account, input, actor),
    saveDetails: (r: LicenceRequest, input: Input) => saveDetails(deps, r, input),
    saveIdentity: (r: LicenceRequest, input: Input) => saveIdentity(deps, r, input),
    saveContact: (r: LicenceRequest, input: Input, who: { accountId: number; ip: string }) => saveContact(deps, r, input, who),
    pieces: (r: LicenceRequest) => listPieces(deps, r),
    piece: (r: LicenceRequest, attachmentId: number) => findPiece(deps, r, attachmentId),
    required: requiredOf,
    savePieces: (r: LicenceRequest, uploads: Upload[], account: Account, actor: Actor, finish: boolean) => savePieces(deps, r, uploads, account, actor, finish),
    submit: (r: LicenceRequest, input: Input, actor: Actor, throttle: StampThrottle) => submitRequest(deps, r, input, actor, throttle),
    deleteDraft: (r: LicenceRequest, actor: Actor) => deleteDraft(deps, r, actor),
    documentsOf,
    document: (r: LicenceRequest, kind: LicenceDocument) => issueDocument(deps, r, kind),
    verify: (fileNumber: string) => verifyRequest(deps, fileNumber),
    // the licence service's back office
    findAgent: (id: number) => findActiveAgent(deps, id),
    queue: (agent: Agent, f: { status?: Status | null; reason?: Reason | null; q?: string; after?: string | null }) => queue(deps, agent, f),
    forAgent: (agent: Agent, id: number) => requestForAgent(deps, agent, id),
    attachmentForAgent: (agent: Agent, id: number, attachmentId: number) => attachmentForAgent(deps, agent, id, attachmentId),
    take: (agent: Agent, id: number, ip: string) => takeRequest(deps, agent, id, ip),
    decide: (agent: Agent, id: number, t: Transition, input: Input, ip: string) => decide(deps, agent, id, t, input, ip),
    reviewPiece: (agent: Agent, id: number, attachmentId: number, input: Input, ip: string) => reviewPiece(deps, agent, id, attachmentId, input, ip),
    // retention
    enqueueDailyPurge: (now?: Date) => enqueueDailyPurge(deps, now),
    purge: (now?: Date) => purge(deps, now),
  };
}
export type LicencesService = ReturnType<typeof createLicencesService>;
