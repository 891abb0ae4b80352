import { randomUUID } from 'node:crypto';
import { constants as zlib } from 'node:zlib';
import compress from '@fastify/compress';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { fastifyTrustProxy, type Config } from './config.ts';
import { displayName } from './domains/accounts/model.ts';
import { createAccountsService, type AccountsService } from './domains/accounts/service.ts';
import { purgeThrottle } from './domains/accounts/throttle.ts';
import { registerProfileGuard } from './domains/accounts/profile-routes.tsx';
import { sharedHealthProbe } from './platform/http/health-probe.ts';
import { cancelQueriesOnDisconnect } from './platform/http/cancel-on-disconnect.ts';
import { createRecordAuditHeadHandler, enqueueDailyAuditHead, RECORD_AUDIT_HEAD_JOB } from './domains/instruction/audit-heads.ts';
import { registerSiteRoutes } from './domains/site/routes.tsx';
import { registerDocumentVerificationRoutes } from './domains/document-verification/routes.tsx';
import { loadSealIdentity, setSealIdentity } from './platform/seal/keys.ts';
import { createStampService, type StampService } from './domains/stamps/index.ts';
import { registerAccounts } from './domains/accounts/plugin.ts';
import { registerAgents } from './domains/agents/plugin.ts';
import { registerDirectory } from './domains/directory/plugin.ts';
import { registerHelp } from './domains/help/plugin.ts';
import { registerIdentityDocs } from './domains/identity-docs/plugin.ts';
import { registerInstruction } from './domains/instruction/plugin.ts';
import { registerLicences } from './domains/licences/plugin.ts';
import { registerMyRequests } from './domains/my-requests/plugin.ts';
import { registerStamps } from './domains/stamps/plugin.ts';
import { registerVehicles } from './domains/vehicles/plugin.ts';
import { PRE_APPLICATION_REMINDERS_JOB } from './domains/identity-docs/service.ts';
import { PURGE_JOB as LICENCE_PURGE_JOB } from './domains/licences/service.ts';
import { AUDIT_SEAL_EVERY_MS, sealAuditEvents } from './platform/audit.ts';
import { createPayfipProvider } from './platform/payment/payfip-provider.ts';
import {
  createNotifyHandler,
  createSimulatedProvider,
  notificationKey as paymentNotificationKey,
  NOTIFY_JOB,
  registerSimulatedProvider,
} from './platform/payment/simulated-provider.tsx';
import { createProduceLetterHandler, PRODUCE_LETTER_JOB } from './platform/letters/letters.ts';
import { createMaintenanceService, type MaintenanceService } from './domains/site/maintenance-service.ts';
import type { Database } from './platform/db/database.ts';
import { registerAssets } from './platform/http/assets.ts';
import { accountLimitPlugin } from './platform/http/account-limit.ts';
import { admissionPlugin } from './platform/http/admission.ts';
import { AdmissionServer } from './platform/http/admission-server.ts';
import { proxyMatcher } from './platform/http/socket-guard.ts';
import { createAttachments, type Attachments } from './platform/files/attachments.ts';
import { multipartPlugin } from './platform/files/multipart.ts';
import { localStorage, s3Storage } from './platform/files/storage.ts';
import { rememberingSigner } from './platform/http/cookie-signer.ts';
import { csrfPlugin } from './platform/http/csrf.ts';
import { formDraftsPlugin, keepExpiredForm } from './platform/http/form-drafts.tsx';
import { inputPlugin, parseUrlEncoded } from './platform/http/input.ts';
import { registerErrorPages } from './web/error-pages.tsx';
import { maintenanceGate } from './web/maintenance-gate.tsx';
import { renderPlugin } from './platform/http/render.ts';
import { pageDocument } from './web/page-document.tsx';
import { renderAccountBusy } from './ui/pages/account-busy.tsx';
import { renderWaitingRoom } from './ui/pages/waiting-room.tsx';
import { SimulatedPaymentDonePage, SimulatedPaymentPage } from './ui/pages/payment.tsx';
import { isSignedInSession, purgeExpiredSessions, registerSessionRoutes, requestSessionReader, sessionCookieName, sessionPlugin } from './platform/http/session.ts';
import { securityHeadersPlugin } from './platform/http/security-headers.ts';
import { timeBudgetPlugin } from './platform/http/time-budget-plugin.ts';
import { BackOfficeBusyPage } from './ui/pages/errors.tsx';
import { injectFetch } from './platform/http/inject-fetch.ts';
import { createWorker, type Worker } from './platform/jobs/worker.ts';
import { gracefulStop, type StopReport } from './platform/http/graceful-stop.ts';
import { watchQuiet } from './platform/http/quiet-watch.ts';
import { registerFranceConnectSimulator } from './web/franceconnect-simulator.tsx';
import { purgeExpiredOidcPayloads } from './platform/oidc/database-adapter.ts';
import { createSendMessageHandler, SEND_MESSAGE_JOB } from './platform/mail/messages.ts';
import { createDemoQueueHandler, DEMO_QUEUE_JOB } from './demo/vehicle-queue.ts';
import { registerOutboxRoutes } from './web/dev-outbox-routes.tsx';
import { mayReadOutbox, outboxToken } from './web/dev-outbox-access.ts';
import { createMetrics, registerBudgetMetrics, registerHttpMetrics, type Metrics } from './platform/observability/metrics.ts';
import { redactUrl } from './platform/observability/redact.ts';
import { processLogStream } from './platform/observability/log-stream.ts';
import { readableLogStream } from './platform/observability/readable-log.ts';
import { logTurnedAway, OneLinePerRequest } from './platform/observability/request-log.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    database: Database;
    metrics: Metrics;
    worker: Worker;
    /** SIGTERM's bounded stop (platform/http/graceful-stop.ts): the caller closes the database after it */
    stopGracefully: () => Promise<StopReport>;
    maintenance: MaintenanceService;
    accounts: AccountsService;
    attachments: Attachments;
    /** the fiscal stamp service (timbres fiscaux électroniques), shared by every procedure */
    stamps: StampService;
    /** set when FranceConnect is configured: the provider's logout URL for an ID token */
    franceConnectLogoutUrl: ((idToken: string) => Promise<string>) | null;
  }
}

/** The back office's pages, put under its time budget when a signed-in agent asks them. */
const BACK_OFFICE_PATH = /^\/agents(?:[/?]|$)/;
/** Back-office requests waiting for their time budget on one node, at most (then sent away at once). */
const BACK_OFFICE_MAX_QUEUED = 200;

const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;
/** How long the node's visitors must leave it alone before each step of the demo queue's job. */
const DEMO_QUEUE_QUIET_MS = 1500;

/**
 * Builds the portal's HTTP application on an open, migrated database. No side effect at import;
 * the job worker is created but started only by server.ts (tests drain it by hand).
 */
export async function buildApp(config: Config, database: Database): Promise<FastifyInstance> {
  // the HTTP server, whose request listener lets the waiting room answer an overloaded node's newcomers first
  // and which caps the sockets one direct peer keeps open, and the total under the fd limit (socket-guard.ts)
  const server = new AdmissionServer({
    perAddress: config.httpSockets.perAddress,
    isProxy: proxyMatcher(config.trustProxy),
    maxConnections: config.httpSockets.maxConnections,
    busyKeepAliveMs: 1000,
  });
  const app = Fastify({
    serverFactory: server.serverFactory,
    logger: {
      level: config.logLevel,
      // asynchronous: written off the event loop, flushed at exit; readable at a terminal (readable-log.ts)
      stream: config.logFormat === 'lisible' ? readableLogStream(processLogStream()) : processLogStream(),
      redact: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
      serializers: {
        req: (req: { method: string; url: string; ip?: string; id?: string }) => ({ method: req.method, url: redactUrl(req.url), remoteAddress: req.ip }),
      },
    },
    // one line per request, at its end; the waiting room's answers counted per interval (request-log.ts)
    logController: new OneLinePerRequest(),
    trustProxy: fastifyTrustProxy(config.trustProxy),
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    // a request arriving on an open socket while the node stops is answered (with Connection: close), not sent a 503 (graceful-stop.ts)
    return503OnClosing: false,
    // a slow client (headers or body trickled byte by byte) is cut: it holds no connection for long
    requestTimeout: config.httpTimeouts.requestSeconds * 1000,
    connectionTimeout: config.httpTimeouts.requestSeconds * 1000,
    http: {
      headersTimeout: config.httpTimeouts.headersSeconds * 1000,
      // Node checks those limits on this period (30 s by default): a few checks per limit
      connectionsCheckingInterval: Math.min(5000, (config.httpTimeouts.headersSeconds * 1000) / 2),
    },
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

  // the hooks that run on every request and never wait are callback-style: no promise and no extra turn each
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // a request's queries are cancelled when its client goes away (PostgreSQL)
  cancelQueriesOnDisconnect(app, database);

  await app.register(securityHeadersPlugin, { config });
  // a form posted after the session expired comes back after sign-in (issue 16); its onSend reads the page before compression
  await app.register(formDraftsPlugin, { db });
  // Brotli's default quality (11) costs ~10 ms per 100 kB: quality 4 compresses nearly as well, 20× faster.
  await app.register(compress, {
    global: true,
    encodings: ['br', 'gzip'],
    threshold: 1024,
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
  });
  await app.register(cookie, { secret: rememberingSigner(config.sessionSecret) });
  await app.register(formbody, { bodyLimit: 256 * 1024, parser: parseUrlEncoded });
  await app.register(multipartPlugin);
  await app.register(inputPlugin); // after the multipart fields are read, before CSRF and the routes
  const attachments = createAttachments({ db, storage: config.files.kind === 's3' ? s3Storage(config.files) : localStorage(config.files.dir) });
  app.decorate('attachments', attachments);

  const assets = await registerAssets(app);
  // the session of the request's cookie, read once for the waiting room (when the node is full) and the session plugin
  const readSession = requestSessionReader(db, config);
  // the waiting room: after the cookies (signed session cookie) and before the session is read from the database
  await app.register(admissionPlugin, {
    ...config.admission,
    server,
    sessionCookie: sessionCookieName(config),
    waitingPage: (wait) => renderWaitingRoom({ ...wait, stylesheet: assets.dsfrCss }),
    isSignedIn: async (id, request) => isSignedInSession(await readSession(request, id)),
  });
  logTurnedAway(app, config.logTurnedAwaySeconds);
  registerHttpMetrics(app, metrics, config.metricsToken);
  const databaseAnswers = sharedHealthProbe(() => database.execScript('select 1'));
  app.get('/healthz', async (_request, reply) => {
    if (await databaseAnswers()) return { status: 'ok' };
    return reply.code(503).send({ status: 'unavailable' });
  });

  await app.register(sessionPlugin, { db, config, read: readSession });
  // one signed-in account cannot fill the node the waiting room lets it into (after the session is read)
  await app.register(accountLimitPlugin, {
    perAccount: config.accountLimit.perAccount,
    retrySeconds: config.admission.retrySeconds,
    bodyWindowSeconds: config.accountLimit.bodyWindowSeconds,
    bodyFloorBytesPerSecond: config.accountLimit.bodyFloorBytesPerSecond,
    accountOf: (request) => {
      const session = request.session;
      if (!session) return null;
      if (session.userId !== null) return `user:${session.userId}`;
      const agentId = session.get<number>('agentId');
      return agentId != null ? `agent:${agentId}` : null;
    },
    busyPage: (view) => renderAccountBusy({ ...view, stylesheet: assets.dsfrCss }),
  });
  // the back office's share of the node's time (issue 20): a signed-in agent's pages wait their turn
  // when agents compete; their POSTs never wait (what they typed is never lost) but spend the budget
  if (config.backOfficeBudget.share > 0) {
    const retrySeconds = 5;
    await app.register(timeBudgetPlugin, {
      share: config.backOfficeBudget.share,
      burstMs: config.backOfficeBudget.share * 1000,
      maxWaitMs: config.backOfficeBudget.maxWaitMs,
      maxQueued: BACK_OFFICE_MAX_QUEUED,
      retrySeconds,
      classify: (request) =>
        BACK_OFFICE_PATH.test(request.url) && request.session?.get<number>('agentId') ? (request.method === 'GET' || request.method === 'HEAD' ? 'wait' : 'spend') : null,
      busyPage: (request, reply) => reply.render(BackOfficeBusyPage({ retryUrl: request.url, retrySeconds }), 503),
    });
  }
  // the budgets' counts in /metrics, read at each scrape
  registerBudgetMetrics(metrics, {
    admission: () => app.admission.stats(),
    accountLimit: () => app.accountLimit.stats(),
    backOffice: config.backOfficeBudget.share > 0 ? () => app.timeBudget.stats() : null,
    sockets: () => server.socketsStats(),
  });
  const outboxReader = outboxToken(config.sessionSecret);
  await app.register(renderPlugin, {
    document: pageDocument({
      assets,
      devOutbox: (request) => config.devOutbox && mayReadOutbox(request, outboxReader),
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
  // the domains, each wiring its services and routes (the order of the routes among them does not matter:
  // every guard is a hook of the domain's own scope)
  registerSiteRoutes(app, { maintenance });
  // FranceConnect: the real provider, or the built-in simulator reached in-process (no network hop).
  const simulator = config.franceConnect.mode === 'simulator';
  if (simulator) await registerFranceConnectSimulator(app, config);
  registerAccounts(app, { db, config, accounts, ...(simulator ? { franceConnectFetch: injectFetch(app) } : {}) });
  registerMyRequests(app, { db });
  const agents = registerAgents(app, { db, config, maintenance, searchDb: database.backOffice });
  // Card payments: a PayFiP-style provider when configured, else the built-in simulator (never in production).
  const notificationKey = paymentNotificationKey(config.sessionSecret);
  const provider =
    config.payment.kind === 'payfip'
      ? createPayfipProvider({ ...config.payment, notifyUrl: `${config.publicUrl}/paiement/notification/payfip`, returnUrl: `${config.publicUrl}/paiement/retour` })
      : config.payment.kind === 'simulator'
        ? createSimulatedProvider({ db, publicUrl: config.publicUrl })
        : null;
  if (config.payment.kind === 'simulator') {
    registerSimulatedProvider(app, { db, returnUrl: `${config.publicUrl}/paiement/retour`, pages: { Form: SimulatedPaymentPage, Done: SimulatedPaymentDonePage } });
  }
  const { payments, notificationLimiter } = registerVehicles(app, { db, config, attachments, accounts, agents, provider, notificationKey });
  registerDocumentVerificationRoutes(app);
  registerInstruction(app, { db, config, attachments, agents, searchDb: database.backOffice });
  await registerDirectory(app, { db, config });
  registerHelp(app, { db, config, attachments, accounts });
  registerStamps(app, { db, config, stamps, agents, attachments });
  const preApplications = registerIdentityDocs(app, { db, config, stamps, accounts });
  const licences = registerLicences(app, { db, config, attachments, stamps, accounts });
  if (config.devOutbox) registerOutboxRoutes(app, db, config);

  const quiet = watchQuiet(app, DEMO_QUEUE_QUIET_MS, () => {
    const seen = app.admission.stats();
    return seen.admitted + seen.waited; // the waiting room's answers are visitors too
  });
  const worker = createWorker({
    db,
    log: app.log,
    metrics,
    pollMs: config.jobs.pollMs,
    frequent: [{ everyMs: AUDIT_SEAL_EVERY_MS, run: () => sealAuditEvents(db) }], // one node seals at a time
    handlers: {
      [PRE_APPLICATION_REMINDERS_JOB]: async () => {
        const reminded = await preApplications.remindExpiring();
        if (reminded) app.log.info({ reminded }, 'pré-demandes : rappels de fin de validité envoyés');
      },
      [LICENCE_PURGE_JOB]: async () => {
        const done = await licences.purge();
        app.log.info(done, 'demandes de permis : purge des demandes de plus de 6 mois');
      },
      [SEND_MESSAGE_JOB]: createSendMessageHandler({ db, config, metrics }),
      [PRODUCE_LETTER_JOB]: createProduceLetterHandler(db),
      [RECORD_AUDIT_HEAD_JOB]: createRecordAuditHeadHandler({ db, log: app.log }),
      // the instruction centre's demo queue, enqueued once per database by a start with demo data (server.ts);
      // handled whatever DEMO_DATA says now (a folder restarted without it before the job ran: nothing to file, no failure)
      // it files step by step in the gaps between visitors: a new node's first visitors never meet it (issue 20)
      [DEMO_QUEUE_JOB]: createDemoQueueHandler({ db, config, attachments, log: app.log, untilQuiet: (opts) => quiet.untilQuiet(opts) }),
      // The simulated provider's signed notification, delivered to our own endpoint.
      [NOTIFY_JOB]: createNotifyHandler({
        key: notificationKey,
        send: async (body, signature) =>
          (await app.inject({ method: 'POST', url: '/paiement/notification', headers: { 'content-type': 'application/json', 'x-signature': signature }, payload: body })).statusCode,
      }),
    },
    periodic: [
      () => preApplications.enqueueDailyReminders(), // once per day across nodes (dedupe key)
      () => licences.enqueueDailyPurge(), // once per day across nodes (dedupe key)
      () => purgeThrottle(db),
      () => enqueueDailyAuditHead(db), // once per day across nodes (dedupe key)
      () => notificationLimiter.purge(),
      async () => {
        const expired = await payments?.expire();
        if (expired) app.log.info({ expired }, 'paiements : tentatives expirées closes');
      },
      () => purgeExpiredOidcPayloads(db), // the FranceConnect simulator's expired codes, sessions and grants
      async () => {
        const purged = await purgeExpiredSessions(db, config);
        if (purged) app.log.info({ purged }, 'sessions expirées supprimées');
      },
    ],
  });
  app.decorate('worker', worker);

  /** The name shown in the header: the signed-in user's or agent's. */
  async function currentUserName(request: FastifyRequest): Promise<{ displayName: string; kind: 'user' | 'agent'; profile?: string } | null> {
    const session = request.session;
    if (!session) return null;
    const agentId = session.get<number>('agentId');
    if (agentId) {
      // the back office's guard read the agent already (agents/routes.tsx)
      if (request.agent?.id === agentId) return { displayName: request.agent.display_name, kind: 'agent' };
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
  app.decorate('stopGracefully', gracefulStop(app, { graceMs: config.shutdownGraceSeconds * 1000, stopWorker: () => worker.stop() }));
  return app;
}
