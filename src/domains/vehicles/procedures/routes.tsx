import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Account } from '../../../schema.ts';
import { actorOf, loadAccount, requireUser } from '../../../platform/http/guards.ts';
import { ABANDONABLE, AbandonPage, ProcedurePage, StartProcedurePage, VehicleSpacePage } from './pages.tsx';
import { registerConfidentialCodeRoutes } from '../confidential-code/routes.tsx';
import { PROCEDURE_LABELS } from './requirements.ts';
import type { AccountsService } from '../../accounts/service.ts';
import { registerSaleRoutes } from '../sale/routes.tsx';
import type { SaleService } from '../sale/service.ts';
import { vehicleSpaceWithSession, type VehiclesService } from './service.ts';
import { registerTransferRoutes } from '../transfer/routes.tsx';
import type { TransferService } from '../transfer/service.ts';
import type { PaymentService } from '../../../platform/payment/service.ts';
import { registerAddressRoutes } from '../address/routes.tsx';
import type { AddressService } from '../address/service.ts';
import { registerDuplicateRoutes } from '../duplicate/routes.tsx';
import type { DuplicateService } from '../duplicate/service.ts';
import { renderIssuedDocument } from './issued-documents.ts';
import { registerTpcRoutes } from '../complementary/routes.tsx';
import { createUserMessages } from './user-messages.ts';
import type { TpcService } from '../complementary/service.ts';
import { sendAttachment } from '../../../platform/files/attachments.ts';
import { createTimeline } from '../../my-requests/timeline.ts';
import { createSaleReceipts } from '../sale/receipt.ts';
import { registerSaleReceiptRoutes } from '../sale/receipt-routes.tsx';

type Body = Record<string, string | undefined>;
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;

declare module 'fastify' {
  interface FastifyRequest {
    account: Account | null;
  }
}

/** The user's links to a vehicle procedure's pieces and issued documents, for its timeline. */
export const vehicleDocumentLinks = (file: string) => ({
  pieceHref: (id: number) => `/vehicules/demandes/${file}/pieces/${id}`,
  documentHref: (kind: string) =>
    kind === 'recapitulatif' || kind === 'cpi' ? `/vehicules/demandes/${file}/${kind}.pdf` : kind === 'accuse_enregistrement' ? `/vehicules/demandes/${file}/accuse-enregistrement.pdf` : null,
});

/** "Mon espace véhicule": the user's vehicle procedures, starting one, the confidential code, each procedure's routes. */
export function registerVehicleRoutes(
  app: FastifyInstance,
  vehicles: VehiclesService,
  sales: SaleService,
  transfers: TransferService,
  addresses: AddressService,
  duplicates: DuplicateService,
  tpc: TpcService,
  payments: PaymentService | null,
  accounts: AccountsService,
): void {
  app.decorateRequest('account', null);
  app.register(async (scope) => {
    scope.addHook('preHandler', requireUser);
    scope.addHook('preHandler', loadAccount(accounts));

    const timeline = createTimeline({ db: app.database.db });
    async function showProcedure(request: FastifyRequest, reply: FastifyReply, fileNumber: string, errors: Record<string, string> = {}, status = 200, refusal?: { message: string; resume?: string }) {
      const procedure = await vehicles.procedure(request.account!, fileNumber);
      if (!procedure) return reply.callNotFound(); // another user's file number looks like an unknown one
      if (procedure.kind === 'complementary') return reply.redirect(`/vehicules/demandes/${procedure.file_number}/complementaire`, 303);
      const details = await vehicles.details(procedure, request.account!);
      const entries = await timeline.of(
        { kind: 'vehicle_procedure', id: procedure.id, accountId: procedure.account_id, vehicleId: procedure.vehicle_id, fileNumber: procedure.file_number },
        { kind: 'user' },
        vehicleDocumentLinks(procedure.file_number),
      );
      return reply.render(<ProcedurePage procedure={procedure} errors={errors} {...details} timeline={entries} refusal={refusal} />, status);
    }

    const receipts = createSaleReceipts({ db: app.database.db, config: app.config });
    registerSaleRoutes(scope, sales, receipts);
    registerTransferRoutes(scope, transfers, payments);
    registerAddressRoutes(scope, addresses, payments);
    const messages = createUserMessages({ db: app.database.db, attachments: app.attachments });
    registerDuplicateRoutes(scope, duplicates, payments, messages);
    registerSaleReceiptRoutes(scope, receipts);
    registerTpcRoutes(scope, tpc, payments, messages);

    // A piece the user sent with one of their requests (another user's id looks unknown).
    scope.get<{ Params: { file: string; id: string } }>('/vehicules/demandes/:file/pieces/:id', async (request, reply) => {
      const procedure = await vehicles.procedure(request.account!, request.params.file);
      const id = Number(request.params.id);
      const attachment = procedure && Number.isSafeInteger(id) ? await app.attachments.find({ kind: 'vehicle_procedure', id: procedure.id }, id) : undefined;
      if (!attachment) return reply.callNotFound();
      return sendAttachment(reply, app.attachments, attachment);
    });

    scope.get<{ Params: { file: string } }>('/vehicules/demandes/:file/recapitulatif.pdf', async (request, reply) => {
      const procedure = await vehicles.procedure(request.account!, request.params.file);
      const doc = procedure ? await vehicles.issuedDocument(procedure, 'recapitulatif') : undefined;
      // a change of holder prints its summary from the request's state, as soon as it is filed
      const pdf = doc ? await renderIssuedDocument(doc, app.config.publicUrl) : procedure?.kind === 'holder_change' ? await transfers.summaryPdf(request.account!, procedure.file_number) : null;
      if (!pdf) return reply.callNotFound();
      return reply.type('application/pdf').header('content-disposition', `inline; filename="recapitulatif-${request.params.file}.pdf"`).send(pdf);
    });

    // the list comes in the statement that reads the session and its account (one round trip for the page)
    scope.get('/vehicules', { config: { readWithSession: vehicleSpaceWithSession } }, async (request, reply) =>
      reply.render(<VehicleSpacePage groups={request.session.readWith(vehicleSpaceWithSession) ?? (await vehicles.list(request.account!))} />),
    );

    scope.get('/vehicules/demandes/nouvelle', (request, reply) =>
      reply.render(<StartProcedurePage values={{ idempotency_key: randomBytes(16).toString('base64url') }} errors={{}} certified={request.account!.certified} />),
    );
    scope.post('/vehicules/demandes/nouvelle', async (request, reply) => {
      const form = body(request);
      const outcome = await vehicles.start(request.account!, form, actorOf(request));
      if (!outcome.ok) {
        const resume = 'resume' in outcome ? outcome.resume : undefined;
        return reply.render(<StartProcedurePage values={form} errors={outcome.errors} certified={request.account!.certified} resume={resume} />, resume ? 409 : 400);
      }
      return reply.redirect(`/vehicules/demandes/${outcome.value.fileNumber}`, 303);
    });

    scope.get<{ Params: { file: string } }>('/vehicules/demandes/:file', (request, reply) => showProcedure(request, reply, request.params.file));
    registerConfidentialCodeRoutes(scope, vehicles, showProcedure);

    scope.get<{ Params: { file: string } }>('/vehicules/demandes/:file/abandon', async (request, reply) => {
      const procedure = await vehicles.procedure(request.account!, request.params.file);
      if (!procedure) return reply.callNotFound();
      if (!ABANDONABLE.includes(procedure.status)) return reply.redirect(`/vehicules/demandes/${procedure.file_number}`, 303);
      return reply.render(<AbandonPage fileNumber={procedure.file_number} label={PROCEDURE_LABELS[procedure.kind]} />);
    });

    scope.post<{ Params: { file: string } }>('/vehicules/demandes/:file/abandon', async (request, reply) => {
      if (!(await vehicles.cancel(request.account!, request.params.file, actorOf(request)))) return reply.callNotFound();
      request.session.flash('info', 'La démarche est abandonnée.');
      return reply.redirect('/vehicules', 303);
    });
  });
}
