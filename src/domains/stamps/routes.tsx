import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { actorOf, requireUser, safeReturnPath } from '../../platform/http/guards.ts';
import { StampPage, StampShopPage, type StampRow } from './pages.tsx';
import { groupDigits, refundProblem, SHOP_AMOUNTS_CENTS } from './model.ts';
import type { StampService, StampThrottle } from './service.ts';

type Body = Record<string, string | undefined>;
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;
const newKey = () => randomBytes(16).toString('base64url');

/** The keys a stamp check from this request is throttled on: its session and its IP. */
export function stampThrottleOf(request: FastifyRequest): StampThrottle {
  return { sessionIdHash: request.session.idHash, ip: request.ip };
}

const buySchema = z.object({
  idempotency_key: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
  amount: z
    .string({ error: 'Choisissez le montant du timbre' })
    .refine((v) => (SHOP_AMOUNTS_CENTS as readonly number[]).includes(Number(v)), 'Choisissez le montant du timbre'),
});

/** Session key of the number just bought: shown on the stamp's page for 15 minutes (a reload, a double click). */
const SHOWN = 'stampJustBought';
const SHOWN_MS = 15 * 60_000;
type Shown = { id: number; number: string; until: number };

/**
 * The demo stamp shop of the embedded mode (/timbres): buy a stamp without payment, list one's
 * stamps with their state, ask for the refund of an unused one.
 */
export function registerStampRoutes(app: FastifyInstance, stamps: StampService): void {
  const db = app.database.db;
  const rows = async (accountId: number): Promise<StampRow[]> =>
    (await stamps.listOwned(accountId)).map((s) => ({ ...s, refundable: refundProblem(s, new Date()) === null }));

  app.register(async (scope) => {
    scope.addHook('preHandler', requireUser);

    // `retour`: the step of a request that needs a stamp (licence, pre-application); the purchase leads back to it
    scope.get('/timbres', async (request, reply) => {
      const retour = safeReturnPath((request.query as Body).retour, '');
      return reply.render(<StampShopPage stamps={await rows(request.session.userId!)} values={{ idempotency_key: newKey(), retour }} errors={{}} />);
    });

    scope.post('/timbres/acheter', async (request, reply) => {
      const accountId = request.session.userId!;
      const form = body(request);
      const parsed = buySchema.safeParse(form);
      if (!parsed.success) {
        const errors = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] === 'idempotency_key' ? 'amount' : i.path[0]), i.message.startsWith('Choisissez') ? i.message : 'Choisissez le montant du timbre']));
        return reply.render(<StampShopPage stamps={await rows(accountId)} values={{ ...form, idempotency_key: form.idempotency_key || newKey(), retour: safeReturnPath(form.retour, '') }} errors={errors} />, 400);
      }
      const bought = await db.transaction().execute((trx) =>
        stamps.buy(trx, { amountCents: Number(parsed.data.amount), accountId, idempotencyKey: parsed.data.idempotency_key, actor: actorOf(request) }),
      );
      // A replayed key (double click) returns the stamp already bought, without its number: keep the one shown.
      if (bought.number) request.session.set(SHOWN, { id: bought.id, number: bought.number, until: Date.now() + SHOWN_MS } satisfies Shown);
      const retour = safeReturnPath(form.retour, '');
      if (retour) {
        // back to the request's step, the number shown above its field (once: a replay shows the stamp's page)
        if (bought.number) request.session.flash('success', `Votre timbre fiscal est acheté. Son numéro : ${groupDigits(bought.number)}. Saisissez-le ci-dessous et notez-le : il ne pourra plus vous être affiché en entier.`);
        return reply.redirect(bought.number ? retour : `/timbres/${bought.id}`, 303);
      }
      return reply.redirect(`/timbres/${bought.id}`, 303);
    });

    scope.get<{ Params: { id: string } }>('/timbres/:id', async (request, reply) => {
      const id = Number(request.params.id);
      const stamp = Number.isSafeInteger(id) ? await stamps.findOwned(id, request.session.userId!) : undefined;
      if (!stamp) return reply.callNotFound(); // someone else's stamp looks like an unknown one
      let shown = request.session.get<Shown>(SHOWN);
      if (shown && !(shown.until > Date.now())) {
        request.session.set(SHOWN, undefined); // forgotten after 15 minutes
        shown = undefined;
      }
      return reply.render(<StampPage stamp={{ ...stamp, refundable: refundProblem(stamp, new Date()) === null }} number={shown?.id === stamp.id ? shown.number : null} />);
    });
  });
}
