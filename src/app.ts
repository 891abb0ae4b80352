import { randomBytes, randomUUID } from 'node:crypto';
import { constants as zlib } from 'node:zlib';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Config } from './config.ts';
import { displayName } from './domains/accounts/model.ts';
import { registerFranceConnectRoutes } from './domains/accounts/franceconnect-routes.tsx';
import { registerAccountRoutes } from './domains/accounts/routes.tsx';
import { registerProfileGuard } from './domains/accounts/profile-routes.tsx';
import { createActivity } from './domains/accounts/activity.ts';
import { registerActivityRoutes } from './domains/accounts/activity-routes.tsx';
import { registerMyRequestsRoutes } from './domains/my-requests/routes.tsx';
import { createMyRequests } from './domains/my-requests/service.ts';
import { createAccountsService, type AccountsService } from './domains/accounts/service.ts';
import { purgeThrottle } from './domains/accounts/throttle.ts';
import { cancelQueriesOnDisconnect } from './platform/http/cancel-on-disconnect.ts';
import { registerAgentRoutes } from './domains/agents/routes.tsx';
import { registerNotificationLogRoutes } from './domains/agents/notification-log-routes.tsx';
import { createAgentsService } from './domains/agents/service.ts';
import { registerInstructionRoutes } from './domains/instruction/routes.tsx';
import { createVehicleInstruction } from './domains/instruction/vehicle-instruction.ts';
import { createRecordAuditHeadHandler, enqueueDailyAuditHead, RECORD_AUDIT_HEAD_JOB } from './domains/instruction/audit-heads.ts';
import { registerSiteRoutes } from './domains/site/routes.tsx';
import { registerVehicleRoutes } from './domains/vehicles/procedures/routes.tsx';
import { createVehiclesService } from './domains/vehicles/procedures/service.ts';
import { registerVerificationRoute } from './domains/vehicles/sale/routes.tsx';
import { registerDocumentVerificationRoutes } from './domains/document-verification/routes.tsx';
import { loadSealIdentity, setSealIdentity } from './platform/seal/keys.ts';
import { createSaleService } from './domains/vehicles/sale/service.ts';
import { createTransferService } from './domains/vehicles/transfer/service.ts';
import { createAddressService } from './domains/vehicles/address/service.ts';
import { createDuplicateService } from './domains/vehicles/duplicate/service.ts';
import { createTpcService } from './domains/vehicles/complementary/service.ts';
import { registerTaxRoutes } from './domains/vehicles/taxes/routes.tsx';
import { createTaxAdmin } from './domains/vehicles/taxes/admin.ts';
import { registerTaxAdminRoutes } from './domains/vehicles/taxes/admin-routes.tsx';
import { registerDirectoryRoutes } from './domains/directory/routes.tsx';
import { createDirectoryService } from './domains/directory/service.ts';
import { registerHelpRoutes } from './domains/help/routes.tsx';
import { createContactService } from './domains/help/contact-service.ts';
import { createTaxService } from './domains/vehicles/taxes/service.ts';
import { createStampService, registerStampRoutes, type StampService } from './domains/stamps/index.ts';
import { registerStampRefundRoutes } from './domains/stamps/refund-routes.tsx';
import { createStampRefunds } from './domains/stamps/refund-service.ts';
import { registerPreApplicationRoutes } from './domains/identity-docs/routes.tsx';
import { createPreApplicationService, PRE_APPLICATION_REMINDERS_JOB } from './domains/identity-docs/service.ts';
import { registerLicenceAgentRoutes } from './domains/licences/agent-routes.tsx';
import { createNephReactivation } from './domains/licences/neph-reactivation.ts';
import { createPhotoService } from './domains/licences/photo-service.ts';
import { registerLicenceRoutes } from './domains/licences/routes.tsx';
import { createLicencesService, PURGE_JOB as LICENCE_PURGE_JOB } from './domains/licences/service.ts';
import { AUDIT_SEAL_EVERY_MS, sealAuditEvents } from './platform/audit.ts';
import { registerPaymentRoutes } from './platform/payment/routes.tsx';
import { createPaymentService } from './platform/payment/service.ts';
import { createPayfipProvider } from './platform/payment/payfip-provider.ts';
import { createNotificationLimiter } from './platform/payment/notification-limit.ts';
import { registerPaymentRefundRoutes } from './domains/agents/payment-refunds-routes.tsx';
import {
  createNotifyHandler,
  createSimulatedProvider,
  notificationKey as paymentNotificationKey,
  NOTIFY_JOB,
  registerSimulatedProvider,
} from './platform/payment/simulated-provider.tsx';
import { createProduceLetterHandler, PRODUCE_LETTER_JOB } from './platform/letters/letters.ts';
import { createMaintenanceService, type MaintenanceService } from './domains/site/maintenance-service.ts';
import type { Database, Db } from './platform/db/database.ts';
import { registerAssets } from './platform/http/assets.ts';
import { admissionPlugin } from './platform/http/admission.ts';
import { createAttachments, type Attachments } from './platform/files/attachments.ts';
import { multipartPlugin } from './platform/files/multipart.ts';
import { localStorage, s3Storage } from './platform/files/storage.ts';
import { csrfPlugin } from './platform/http/csrf.ts';
import { formDraftsPlugin, keepExpiredForm } from './platform/http/form-drafts.tsx';
import { inputPlugin, parseUrlEncoded } from './platform/http/input.ts';
import { registerErrorPages } from './web/error-pages.tsx';
import { maintenanceGate } from './web/maintenance-gate.tsx';
import { renderPlugin } from './platform/http/render.ts';
import { pageDocument } from './web/page-document.tsx';
import { renderWaitingRoom } from './ui/pages/waiting-room.tsx';
import { SimulatedPaymentDonePage, SimulatedPaymentPage } from './ui/pages/payment.tsx';
import { hashId, purgeExpiredSessions, registerSessionRoutes, sessionCookieName, sessionPlugin } from './platform/http/session.ts';
import { contentSecurityPolicy } from './platform/http/security-headers.ts';
import { injectFetch } from './platform/http/inject-fetch.ts';
import { createWorker, type Worker } from './platform/jobs/worker.ts';
import { createFranceConnectClient } from './platform/oidc/franceconnect-client.ts';
import { registerFranceConnectSimulator } from './web/franceconnect-simulator.tsx';
import { purgeExpiredOidcPayloads } from './platform/oidc/database-adapter.ts';
import { createSendMessageHandler, SEND_MESSAGE_JOB } from './platform/mail/messages.ts';
import { registerOutboxRoutes } from './web/dev-outbox-routes.tsx';
import { createMetrics, registerHttpMetrics, type Metrics } from './platform/observability/metrics.ts';
import { redactUrl } from './platform/observability/redact.ts';
import { processLogStream } from './platform/observability/log-stream.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: Database;
    metrics: Metrics;
    worker: Worker;
    maintenance: MaintenanceService;
    accounts: AccountsService;
    attachments: Attachments;
    /** the fiscal stamp service (timbres fiscaux électroniques), shared by every procedure */
    stamps: StampService;
    /** set when FranceConnect is configured: the provider's logout URL for an ID token */
    franceConnectLogoutUrl: ((idToken: string) => Promise<string>) | null;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/**
 * Builds the portal's HTTP application on an open, migrated database. No side effect at import;
 * the job worker is created but started only by server.ts (tests drain it by hand).
 */
export async function buildApp(config: Config, database: Database): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      stream: processLogStream(), // asynchronous: lines written once per event-loop turn
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      serializers: {
        req: (req: { method: string; url: string; ip?: string; id?: string }) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
      },
    },
    trustProxy: config.trustProxy,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    routerOptions: { ignoreTrailingSlash: true, querystringParser: parseUrlEncoded },
  });
  const db = database.db;
  setSealIdentity(await loadSealIdentity(config)); // the 2D-Doc key of every issued document, and its certificate
  const metrics = createMetrics();
  const maintenance = createMaintenanceService(db, config.maintenanceCacheSeconds);
  app.decorate('config', config);
  app.decorate('database', database);
  app.decorate('metrics', metrics);
  app.decorate('maintenance', maintenance);
  const accounts = createAccountsService({ db, config });
  app.decorate('accounts', accounts);
  app.decorate('franceConnectLogoutUrl', null);
  const stamps = createStampService({ db, config });
  app.decorate('stamps', stamps);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // a request's queries are cancelled when its client goes away (PostgreSQL)
  cancelQueriesOnDisconnect(app, database);

  await app.register(helmet, {
    contentSecurityPolicy: { useDefaults: false, directives: contentSecurityPolicy(config) },
    hsts: config.isProduction ? { maxAge: 63_072_000, includeSubDomains: true, preload: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
  });
  // a form posted after the session expired comes back after sign-in (issue 16); its onSend reads the page before compression
  await app.register(formDraftsPlugin, { db });
  // Brotli's default quality (11) costs ~10 ms per 100 kB: quality 4 compresses nearly as well, 20× faster.
  await app.register(compress, {
    global: true,
    encodings: ['br', 'gzip'],
    threshold: 1024,
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
  });
  await app.register(cookie, { secret: config.sessionSecret });
  await app.register(formbody, { bodyLimit: 256 * 1024, parser: parseUrlEncoded });
  await app.register(multipartPlugin);
  await app.register(inputPlugin); // after the multipart fields are read, before CSRF and the routes
  const attachments = createAttachments({ db, storage: config.files.kind === 's3' ? s3Storage(config.files) : localStorage(config.files.dir) });
  app.decorate('attachments', attachments);

  const assets = await registerAssets(app);
  // the waiting room: after the cookies (signed session cookie) and before the session is read from the database
  await app.register(admissionPlugin, {
    ...config.admission,
    sessionCookie: sessionCookieName(config),
    waitingPage: (wait) => renderWaitingRoom({ ...wait, stylesheet: assets.dsfrCss }),
    isSignedIn: async (id) => !!(await db.selectFrom('sessions').select('user_id').where('id_hash', '=', hashId(id)).where('user_id', 'is not', null).where('expires_at', '>', new Date()).executeTakeFirst()),
  });
  registerHttpMetrics(app, metrics, config.metricsToken);
  app.get('/healthz', async (_request, reply) => {
    try {
      await database.execScript('select 1');
      return { status: 'ok' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  await app.register(sessionPlugin, { db, config });
  await app.register(renderPlugin, {
    document: pageDocument({
      assets,
      devOutbox: config.devOutbox,
      pageExtras: async (request) => {
        const state = await maintenance.state();
        return { banners: state.banners, user: await currentUserName(request) };
      },
    }),
  });
  await app.register(csrfPlugin, { keepRefusedForm: (request) => keepExpiredForm(app, db, config, request) });
  maintenanceGate(app, maintenance);
  registerErrorPages(app);
  registerSessionRoutes(app, config);

  // before every domain's routes, at the root: a profile's refused spaces and procedure starts (accounts/profiles.ts)
  registerProfileGuard(app);
  registerSiteRoutes(app, { maintenance });
  registerAccountRoutes(app, accounts);
  registerActivityRoutes(app, createActivity(db));
  registerMyRequestsRoutes(app, createMyRequests({ db }));
  // FranceConnect: the real provider, or the built-in simulator reached in-process (no network hop).
  const simulator = config.franceConnect.mode === 'simulator';
  if (simulator) await registerFranceConnectSimulator(app, config);
  const franceConnect = createFranceConnectClient(config.franceConnect, simulator ? { fetch: injectFetch(app) } : {});
  registerFranceConnectRoutes(app, franceConnect, accounts);
  app.franceConnectLogoutUrl = (idToken) => franceConnect.logoutUrl(idToken, randomBytes(16).toString('base64url'));
  const agentsService = createAgentsService({ db, config, maintenance, searchDb: database.backOffice });
  registerAgentRoutes(app, agentsService);
  registerNotificationLogRoutes(app, agentsService);
  registerPaymentRefundRoutes(app, agentsService);
  const sales = createSaleService({ db, config });
  const taxes = createTaxService(db);
  const transfers = createTransferService({ db, config, sales, taxes });
  const addresses = createAddressService({ db, config, taxes });
  const duplicates = createDuplicateService({ db, config, taxes, attachments });
  const tpc = createTpcService({ db, config, attachments });
  // Card payments: a PayFiP-style provider when configured, else the built-in simulator (never in production).
  const notificationKey = paymentNotificationKey(config.sessionSecret);
  const provider =
    config.payment.kind === 'payfip'
      ? createPayfipProvider({ ...config.payment, notifyUrl: `${config.publicUrl}/paiement/notification/payfip`, returnUrl: `${config.publicUrl}/paiement/retour` })
      : config.payment.kind === 'simulator'
        ? createSimulatedProvider({ db, publicUrl: config.publicUrl })
        : null;
  const onPaid = async (trx: Db, payment: { procedure_id: number }) => {
    // each finalizer acts only on its own kind of procedure
    await transfers.finalizePaid(trx, payment.procedure_id);
    await addresses.finalizePaid(trx, payment.procedure_id);
    await duplicates.finalizePaid(trx, payment.procedure_id);
  };
  const payments = provider ? createPaymentService({ db, provider, onPaid }) : null;
  const notificationLimiter = createNotificationLimiter(db);
  if (provider && payments) {
    if (config.payment.kind === 'simulator') registerSimulatedProvider(app, { db, returnUrl: `${config.publicUrl}/paiement/retour`, pages: { Form: SimulatedPaymentPage, Done: SimulatedPaymentDonePage } });
    registerPaymentRoutes(app, payments, {
      notificationKey,
      limiter: notificationLimiter,
      procedureUrl: async (id) => {
        const p = await db.selectFrom('vehicle_procedures').select(['file_number', 'kind']).where('id', '=', id).executeTakeFirstOrThrow();
        const step = { address_change: 'adresse', duplicate: 'duplicata', holder_change: 'titulaire', sale_declaration: 'cession', complementary: 'complementaire' }[p.kind];
        return `/vehicules/demandes/${p.file_number}/${step}`;
      },
    });
  }
  registerVehicleRoutes(app, createVehiclesService({ db, config }), sales, transfers, addresses, duplicates, tpc, payments, accounts);
  registerVerificationRoute(app, sales);
  registerDocumentVerificationRoutes(app);
  registerInstructionRoutes(app, agentsService, createVehicleInstruction({ db, config, attachments, searchDb: database.backOffice }));
  registerTaxRoutes(app, taxes);
  registerTaxAdminRoutes(app, agentsService, createTaxAdmin(db));
  await registerDirectoryRoutes(app, createDirectoryService({ db }), config.map);
  registerHelpRoutes(app, { contact: createContactService({ db, config, attachments }), accounts, attachments });
  if (!config.isProduction) {
    registerStampRoutes(app, stamps); // the demo shop of the embedded mode, and its refunds
    registerStampRefundRoutes(app, createStampRefunds({ db, config, stamps, attachments }), agentsService, attachments);
  }
  const preApplications = createPreApplicationService({ db, config, stamps });
  registerPreApplicationRoutes(app, preApplications, accounts);
  // Driving-licence requests (user side and the licence service's back office)
  const photos = createPhotoService({ db, sessionSecret: config.sessionSecret });
  const licences = createLicencesService({ db, config, attachments, photos, stamps });
  const nephReactivation = createNephReactivation(db);
  registerLicenceRoutes(app, licences, photos, accounts, nephReactivation);
  registerLicenceAgentRoutes(app, licences, attachments, nephReactivation);
  if (config.devOutbox) registerOutboxRoutes(app, db);

  const worker = createWorker({
    db,
    log: app.log,
    metrics,
    pollMs: config.jobs.pollMs,
    frequent: [{ everyMs: AUDIT_SEAL_EVERY_MS, run: () => sealAuditEvents(db) }], // one node seals at a time
    handlers: {
      [PRE_APPLICATION_REMINDERS_JOB]: async () => {
        const reminded = await preApplications.remindExpiring();
        if (reminded) app.log.info({ reminded }, 'pre-application expiry reminders');
      },
      [LICENCE_PURGE_JOB]: async () => {
        const done = await licences.purge();
        app.log.info(done, 'licence requests purge');
      },
      [SEND_MESSAGE_JOB]: createSendMessageHandler({ db, config, metrics }),
      [PRODUCE_LETTER_JOB]: createProduceLetterHandler(db),
      [RECORD_AUDIT_HEAD_JOB]: createRecordAuditHeadHandler({ db, log: app.log }),
      // The simulated provider's signed notification, delivered to our own endpoint.
      [NOTIFY_JOB]: createNotifyHandler({
        key: notificationKey,
        send: async (body, signature) =>
          (await app.inject({ method: 'POST', url: '/paiement/notification', headers: { 'content-type': 'application/json', 'x-signature': signature }, payload: body })).statusCode,
      }),
    },
    periodic: async () => {
      await preApplications.enqueueDailyReminders(); // once per day across nodes (dedupe key)
      await licences.enqueueDailyPurge(); // once per day across nodes (dedupe key)
      await purgeThrottle(db);
      await enqueueDailyAuditHead(db); // once per day across nodes (dedupe key)
      await notificationLimiter.purge();
      const expired = await payments?.expire();
      if (expired) app.log.info({ expired }, 'payment attempts expired');
      await purgeExpiredOidcPayloads(db); // the FranceConnect simulator's expired codes, sessions and grants
      const purged = await purgeExpiredSessions(db, config);
      if (purged) app.log.info({ purged }, 'expired sessions purged');
    },
  });
  app.decorate('worker', worker);

  /** The name shown in the header: the signed-in user's or agent's. */
  async function currentUserName(request: FastifyRequest): Promise<{ displayName: string; kind: 'user' | 'agent'; profile?: string } | null> {
    const session = request.session;
    if (!session) return null;
    const agentId = session.get<number>('agentId');
    if (agentId) {
      const agent = await db.selectFrom('agents').select('display_name').where('id', '=', agentId).executeTakeFirst();
      return agent ? { displayName: agent.display_name, kind: 'agent' } : null;
    }
    if (session.userId === null) return null;
    const account = session.account ?? (await accounts.findById(session.userId)); // read with the session, usually
    return account ? { displayName: displayName(account), kind: 'user', profile: account.profile } : null;
  }
  app.addHook('onClose', async () => {
    await worker.stop();
  });
  return app;
}
