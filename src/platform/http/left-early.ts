import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * A request whose client left after sending its whole body runs neither `onResponse` (its answer
 * never finishes) nor `onRequestAbort` (Node marks a request aborted only while its body arrives).
 * What counts it — the waiting room's place, an account's share, the back office's time — must still
 * be given back, but only once its handler has answered: closing a connection must not free the
 * share of work still running (a password being hashed), or closing at once would start unbounded work.
 */
const ANSWERED = Symbol('leftEarly.answered');
const PENDING = Symbol('leftEarly.pending');
type Tracked = FastifyRequest & { [ANSWERED]?: boolean; [PENDING]?: Array<() => void> };
const TRACKING = Symbol.for('portail-titres.leftEarly.tracking');

/** Marks each request answered once its handler has answered (onSend); registered once per app by each plugin that calls whenLeftEarly. */
export function trackAnswers(app: FastifyInstance): void {
  const marked = app as FastifyInstance & { [TRACKING]?: true };
  if (marked[TRACKING]) return;
  marked[TRACKING] = true;
  app.addHook('onSend', async (request, _reply, payload) => {
    const tracked = request as Tracked;
    tracked[ANSWERED] = true;
    const pending = tracked[PENDING];
    if (pending) {
      tracked[PENDING] = undefined;
      for (const giveBack of pending) giveBack();
    }
    return payload;
  });
}

/**
 * Calls `giveBack` once both the request's connection has closed and its handler has answered, in
 * either order (also after a normal answer: the caller's give-back runs once, whichever comes first
 * of it, `onResponse` and `onRequestAbort`).
 */
export function whenLeftEarly(request: FastifyRequest, reply: FastifyReply, giveBack: () => void): void {
  const tracked = request as Tracked;
  const gone = () => {
    if (tracked[ANSWERED]) giveBack();
    else (tracked[PENDING] ??= []).push(giveBack);
  };
  if (request.raw.socket?.destroyed) gone(); // already gone: 'close' has been emitted
  else reply.raw.once('close', gone);
}
