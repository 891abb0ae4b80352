import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { parseParisTime } from './platform/time.ts';
import { loadMapConfig, type MapConfig } from './domains/directory/map-config.ts';

/**
 * Every setting the portal reads from its environment. Validated once at start-up and frozen:
 * a bad value stops the process with a message that names the variable.
 */
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'doit commencer par postgres:// ou postgresql://')
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_BACKOFFICE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(3),
  DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(5000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  DATA_DIR: z.string().min(1).default('./data'),
  SESSION_SECRET: z.string().min(32, 'au moins 32 caractères').optional(),
  /** the 2D-Doc seal key of the issued documents (PKCS#8 PEM, EC P-256; \n allowed for newlines) */
  SEAL_PRIVATE_KEY: z.string().regex(/-----BEGIN PRIVATE KEY-----/, 'clé PKCS#8 au format PEM attendue').optional(),
  /** the X.509 certificate of SEAL_PRIVATE_KEY issued by the agency's authority (PEM; \n allowed); without it the demo authority issues one */
  SEAL_CERTIFICATE: z.string().regex(/-----BEGIN CERTIFICATE-----/, 'certificat X.509 au format PEM attendu').optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** `lisible` (a line a person reads, readable-log.ts) or `json`; by default `lisible` only at a terminal outside production */
  LOG_FORMAT: z.enum(['json', 'lisible']).optional(),
  /**
   * Which hops in front of the portal may set the client's address (X-Forwarded-For): a number of
   * hops (1: the load balancer) or a comma-separated list of proxy addresses/CIDRs. `true` (trust
   * every hop: any client could then choose its address) is refused in production.
   */
  TRUST_PROXY: z.string().trim().default('false'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'doit commencer par smtp:// ou smtps://').optional(),
  MAIL_FROM: z.string().min(3).default('Portail des titres sécurisés <ne-pas-repondre@titres.localhost>'),
  DEV_OUTBOX: booleanFlag.optional(),
  DEMO_DATA: booleanFlag.optional(),
  JOBS_WORKER: booleanFlag.default(true),
  JOBS_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
  MAINTENANCE_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  ADMISSION_MAX_CONCURRENT: z.coerce.number().int().min(0).max(100_000).default(16),
  ADMISSION_TARGET_MS: z.coerce.number().int().min(0).max(60_000).default(400),
  ADMISSION_RETRY_SECONDS: z.coerce.number().int().min(1).max(600).default(10),
  ADMISSION_QUEUE_PER_ADDRESS: z.coerce.number().int().min(1).max(1000).default(4),
  /** once the node is half full, places one address may hold among requests in progress of people not signed in */
  ADMISSION_ACTIVE_PER_ADDRESS: z.coerce.number().int().min(1).max(100_000).default(4),
  ADMISSION_MAX_LOOP_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(100),
  /** the share of a node's time the back office's requests may take when agents compete (0: no budget; time-budget.ts) */
  BACKOFFICE_TIME_SHARE: z.coerce.number().min(0).max(1).default(0.15),
  /** the longest a back-office request waits for its budget before the « réessayez » page */
  BACKOFFICE_MAX_WAIT_SECONDS: z.coerce.number().min(0.1).max(600).default(5),
  /** how often the count of requests turned away by the waiting room is logged (one line per interval, not per request) */
  LOG_TURNED_AWAY_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  SHUTDOWN_GRACE_SECONDS: z.coerce.number().min(0).max(3600).default(10),
  /** sockets one direct peer (not a trusted proxy) may keep open at once; the next ones are closed at once */
  HTTP_SOCKETS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).default(200),
  /** open sockets in all (0: read from the process's file-descriptor limit, with headroom) */
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(0).max(10_000_000).default(0),
  /** listening sockets sharing the port (Linux, SO_REUSEPORT): each accepts one connection per turn of the event loop (platform/http/acceptors.ts); 1: one socket */
  HTTP_LISTEN_SOCKETS: z.coerce.number().int().min(1).max(256).default(16),
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** the whole body of a POST from someone not signed in must arrive within this time (a trickled body holds a place) */
  HTTP_ANONYMOUS_BODY_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  /**
   * requests one signed-in account may have in progress on a node (platform/http/account-limit.ts); 0: no cap.
   * Above the 6 connections a browser opens to one host: an agent's page showing a request's scans
   * (one <img> each, behind the session) must never get a 429 for its own images.
   */
  ACCOUNT_ACTIVE_REQUESTS: z.coerce.number().int().min(0).max(100_000).default(8),
  /** a signed-in body arriving slower than this (bytes per second, over windows of HTTP_SIGNED_IN_BODY_WINDOW_SECONDS) is cut */
  HTTP_SIGNED_IN_BODY_MIN_BYTES_PER_SECOND: z.coerce.number().int().min(1).max(10_000_000).default(1024),
  HTTP_SIGNED_IN_BODY_WINDOW_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(10),
  METRICS_TOKEN: z.string().min(16, 'au moins 16 caractères').optional(),
  FILES_DIR: z.string().min(1).optional(),
  S3_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  S3_REGION: z.string().min(1).default('fr-par'),
  S3_BUCKET: z.string().min(3).optional(),
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(8).optional(),
  MAP_TILES_URL: z.string().min(1).optional(),
  MAP_TILES_ATTRIBUTION: z.string().min(1).optional(),
  SMS_API_URL: z.url({ protocol: /^https?$/ }).optional(),
  SMS_API_TOKEN: z.string().min(16, 'au moins 16 caractères').optional(),
  SMS_SENDER: z.string().regex(/^[A-Za-z0-9]{3,11}$/, '3 à 11 lettres ou chiffres').default('ANTS'),
  PAYFIP_WS_URL: z.url({ protocol: /^https?$/ }).optional(),
  PAYFIP_PAYMENT_URL: z.url({ protocol: /^https?$/ }).default('https://www.payfip.gouv.fr/tpa/paiementws.web'),
  PAYFIP_NUMCLI: z.string().regex(/^\d{6}$/, '6 chiffres (numéro client PayFiP)').optional(),
  PAYFIP_SAISIE: z.enum(['T', 'X', 'W']).optional(),
  FRANCECONNECT_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  FRANCECONNECT_CLIENT_ID: z.string().min(1).optional(),
  FRANCECONNECT_CLIENT_SECRET: z.string().min(16, 'au moins 16 caractères').optional(),
  APP_CLOCK_START: z
    .string()
    .refine((v) => !Number.isNaN(parseParisTime(v).getTime()), 'date et heure attendues, par exemple 2027-02-01T09:00 (heure de Paris)')
    .optional(),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly isProduction: boolean;
  readonly host: string;
  readonly port: number;
  readonly publicUrl: string;
  readonly database:
    | { readonly kind: 'pglite'; readonly dataDir: string | null }
    | { readonly kind: 'postgres'; readonly url: string; readonly poolSize: number };
  /**
   * What the server's PostgreSQL pools may use (platform/db/database.ts), not applied to the tools
   * (migrations, imports, the scale seed), which run long statements on purpose: the back office's
   * own pool, how long a request waits for a free connection (then a French 503; 0: forever) and
   * PostgreSQL's statement_timeout for requests (0: none).
   */
  readonly databaseLimits: { readonly backOfficePoolSize: number; readonly acquireTimeoutMs: number; readonly statementTimeoutMs: number };
  readonly dataDir: string;
  readonly sessionSecret: string;
  /** SEAL_PRIVATE_KEY; null outside production = a key generated once in the data folder (platform/seal/keys.ts) */
  readonly sealPrivateKey: string | null;
  /** SEAL_CERTIFICATE; null = a certificate issued by the demo authority of the data folder (platform/seal/demo-authority.ts) */
  readonly sealCertificate: string | null;
  readonly sessionIdleMinutes: number;
  readonly sessionMaxHours: number;
  readonly logLevel: string;
  /** pino's lines as JSON, or readable by a person at a terminal (readable-log.ts) */
  readonly logFormat: 'json' | 'lisible';
  /** seconds between two lines counting the requests the waiting room turned away */
  readonly logTurnedAwaySeconds: number;
  /** on SIGTERM, how long the requests in progress get before their sockets are cut (platform/http/graceful-stop.ts) */
  readonly shutdownGraceSeconds: number;
  /** Fastify's trustProxy: false, a hop count or a list of proxy addresses/CIDRs (true only outside production) */
  readonly trustProxy: TrustProxy;
  readonly mail: { readonly smtpUrl: string | null; readonly from: string };
  /** the directory's map tiles (validated by domains/directory/map-config.ts) */
  readonly map: MapConfig;
  /** an SMS gateway's HTTP API (POST JSON with a bearer token); without it SMS go to the dev outbox */
  readonly sms: { readonly apiUrl: string; readonly apiToken: string; readonly sender: string } | null;
  readonly devOutbox: boolean;
  readonly demoData: boolean;
  /** APP_CLOCK_START: the instant the app clock starts at (never in production); null = the real clock. */
  readonly clockStart: Date | null;
  readonly jobs: { readonly worker: boolean; readonly pollMs: number };
  readonly maintenanceCacheSeconds: number;
  /** the waiting room (platform/http/admission.ts): requests in progress past which newcomers wait (0: off), reload delay */
  readonly admission: {
    readonly maxConcurrent: number;
    readonly targetMs: number;
    readonly retrySeconds: number;
    readonly queuePerAddress: number;
    /** once the node is half full, places one address holds among requests in progress of people not signed in */
    readonly activePerAddress: number;
    /** seconds within which an anonymous POST's body must have arrived */
    readonly anonymousBodySeconds: number;
    /** the event loop's delay (ms) past which the node is overloaded and newcomers wait (0: not watched) */
    readonly maxLoopDelayMs: number;
  };
  /** per signed-in account (platform/http/account-limit.ts): requests in progress on a node (0: no cap), and the floor rate of its bodies */
  readonly accountLimit: { readonly perAccount: number; readonly bodyFloorBytesPerSecond: number; readonly bodyWindowSeconds: number };
  /**
   * The HTTP server's limits on a slow client: a whole request (headers and body) must arrive within
   * `requestSeconds`, its headers within `headersSeconds` (at most `requestSeconds`); a socket idle that
   * long is closed too. Slow senders cannot hold connections (nor, through them, the waiting room's places).
   */
  readonly httpTimeouts: { readonly requestSeconds: number; readonly headersSeconds: number };
  /** open sockets: per direct peer (a trusted proxy is not capped per address), and in all (null: from the fd limit) */
  /** the back office's time budget per node (platform/http/time-budget.ts): its share of the node's time (0: off), the longest wait (ms) */
  readonly backOfficeBudget: { readonly share: number; readonly maxWaitMs: number };
  readonly httpSockets: { readonly perAddress: number; readonly maxConnections: number | null; readonly listenSockets: number };
  readonly metricsToken: string | null;
  /**
   * Card payments: a PayFiP-style provider when PAYFIP_WS_URL is set; otherwise the built-in
   * simulator outside production, and no online payment in production.
   */
  readonly payment:
    | { readonly kind: 'payfip'; readonly wsUrl: string; readonly paymentUrl: string; readonly numcli: string; readonly saisie: 'T' | 'X' | 'W' }
    | { readonly kind: 'simulator' }
    | { readonly kind: 'none' };
  /** attachments: a local folder (embedded mode, or a shared volume) or an S3-compatible bucket */
  readonly files:
    | { readonly kind: 'local'; readonly dir: string }
    | { readonly kind: 's3'; readonly endpoint: string; readonly region: string; readonly bucket: string; readonly accessKeyId: string; readonly secretAccessKey: string };
  /**
   * FranceConnect: the real provider when FRANCECONNECT_ISSUER is set (required in production),
   * otherwise the built-in simulator served by this process under /fc-simulateur.
   */
  readonly franceConnect: {
    readonly mode: 'remote' | 'simulator';
    readonly issuer: string;
    readonly clientId: string;
    readonly clientSecret: string;
    readonly redirectUri: string;
    readonly postLogoutRedirectUri: string;
  };
}

export class ConfigError extends Error {}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** A development secret kept in the data folder, so sessions survive a restart of `npm start`. */
function localSessionSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const raw = Object.fromEntries(
    Object.keys(envSchema.shape).map((k) => [k, source[k] === '' ? undefined : source[k]]),
  );
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${String(i.path[0])} : ${i.message}`);
    throw new ConfigError(`Configuration invalide :\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === 'production';
  const problems: string[] = [];
  if (isProduction && !e.SESSION_SECRET) problems.push('  - SESSION_SECRET : obligatoire en production');
  if (isProduction && !e.SEAL_PRIVATE_KEY) problems.push('  - SEAL_PRIVATE_KEY : obligatoire en production (clé du cachet 2D-Doc des documents délivrés)');
  if (isProduction && !e.DATABASE_URL) problems.push('  - DATABASE_URL : obligatoire en production');
  if (isProduction && !e.SMTP_URL) problems.push('  - SMTP_URL : obligatoire en production');
  if (isProduction && !e.PUBLIC_URL) problems.push('  - PUBLIC_URL : obligatoire en production');
  if (isProduction && e.PUBLIC_URL && !e.PUBLIC_URL.startsWith('https://'))
    problems.push('  - PUBLIC_URL : doit être en https:// en production');
  if (isProduction && e.APP_CLOCK_START) problems.push('  - APP_CLOCK_START : interdit en production (l’horloge du portail est celle du serveur)');
  if (isProduction && e.DEMO_DATA)
    problems.push('  - DEMO_DATA : interdit en production (les comptes de démonstration ont des mots de passe et des clés publics)');
  if (isProduction && !e.METRICS_TOKEN) problems.push('  - METRICS_TOKEN : obligatoire en production (/metrics ne doit pas être public)');
  if (isProduction && e.DEV_OUTBOX) problems.push('  - DEV_OUTBOX : interdit en production');
  if (isProduction && !e.FRANCECONNECT_ISSUER) problems.push('  - FRANCECONNECT_ISSUER : obligatoire en production');
  if (e.FRANCECONNECT_ISSUER && (!e.FRANCECONNECT_CLIENT_ID || !e.FRANCECONNECT_CLIENT_SECRET))
    problems.push('  - FRANCECONNECT_CLIENT_ID : obligatoire (avec FRANCECONNECT_CLIENT_SECRET) quand FRANCECONNECT_ISSUER est défini');
  if (isProduction && !e.S3_ENDPOINT && !e.FILES_DIR) problems.push('  - S3_ENDPOINT : obligatoire en production (ou FILES_DIR pour un volume partagé)');
  if (e.S3_ENDPOINT && (!e.S3_BUCKET || !e.S3_ACCESS_KEY_ID || !e.S3_SECRET_ACCESS_KEY))
    problems.push('  - S3_BUCKET : obligatoire (avec S3_ACCESS_KEY_ID et S3_SECRET_ACCESS_KEY) quand S3_ENDPOINT est défini');
  if (e.SMS_API_URL && !e.SMS_API_TOKEN) problems.push('  - SMS_API_TOKEN : obligatoire quand SMS_API_URL est défini');
  if (isProduction && !e.SMS_API_URL) problems.push('  - SMS_API_URL : obligatoire en production (passerelle d’envoi des SMS)');
  if (e.PAYFIP_WS_URL && !e.PAYFIP_NUMCLI) problems.push('  - PAYFIP_NUMCLI : obligatoire quand PAYFIP_WS_URL est défini');
  const trustProxy = parseTrustProxy(e.TRUST_PROXY);
  if (trustProxy === null)
    problems.push('  - TRUST_PROXY : un nombre de relais (1) ou une liste d’adresses ou de plages CIDR des relais (10.0.0.0/8), ou false');
  if (isProduction && trustProxy === true)
    problems.push(
      '  - TRUST_PROXY : true est interdit en production (tout client choisirait son adresse par X-Forwarded-For) : indiquez le nombre de relais (1) ou leurs adresses (10.0.0.0/8) / true is refused in production: give a hop count or the proxies’ addresses',
    );
  let map: MapConfig | null = null;
  try {
    map = loadMapConfig({ MAP_TILES_URL: e.MAP_TILES_URL, MAP_TILES_ATTRIBUTION: e.MAP_TILES_ATTRIBUTION });
  } catch (error) {
    problems.push(...(error as Error).message.split('\n').slice(1));
  }
  if (problems.length) throw new ConfigError(`Configuration invalide :\n${problems.join('\n')}`);

  const dataDir = path.resolve(e.DATA_DIR);
  const embedded = !e.DATABASE_URL;
  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, '');
  const sessionSecret = e.SESSION_SECRET ?? localSessionSecret(dataDir);
  const config: Config = {
    env: e.NODE_ENV,
    isProduction,
    host: e.HOST,
    port: e.PORT,
    publicUrl,
    database: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    databaseLimits: { backOfficePoolSize: e.DATABASE_BACKOFFICE_POOL_SIZE, acquireTimeoutMs: e.DATABASE_ACQUIRE_TIMEOUT_MS, statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS },
    dataDir,
    sessionSecret,
    sealPrivateKey: e.SEAL_PRIVATE_KEY ?? null,
    sealCertificate: e.SEAL_CERTIFICATE ?? null,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    sessionMaxHours: e.SESSION_MAX_HOURS,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (process.stdout.isTTY && !isProduction ? 'lisible' : 'json'),
    logTurnedAwaySeconds: e.LOG_TURNED_AWAY_SECONDS,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    trustProxy: trustProxy!,
    mail: { smtpUrl: e.SMTP_URL ?? null, from: e.MAIL_FROM },
    map: map!,
    sms: e.SMS_API_URL ? { apiUrl: e.SMS_API_URL, apiToken: e.SMS_API_TOKEN!, sender: e.SMS_SENDER } : null,
    devOutbox: e.DEV_OUTBOX ?? !isProduction,
    demoData: e.DEMO_DATA ?? embedded,
    clockStart: e.APP_CLOCK_START ? parseParisTime(e.APP_CLOCK_START) : null,
    jobs: { worker: e.JOBS_WORKER, pollMs: e.JOBS_POLL_MS },
    maintenanceCacheSeconds: e.MAINTENANCE_CACHE_SECONDS,
    admission: { maxConcurrent: e.ADMISSION_MAX_CONCURRENT, targetMs: e.ADMISSION_TARGET_MS, retrySeconds: e.ADMISSION_RETRY_SECONDS, queuePerAddress: e.ADMISSION_QUEUE_PER_ADDRESS,
      activePerAddress: e.ADMISSION_ACTIVE_PER_ADDRESS,
      maxLoopDelayMs: e.ADMISSION_MAX_LOOP_DELAY_MS,
      anonymousBodySeconds: Math.min(e.HTTP_ANONYMOUS_BODY_TIMEOUT_SECONDS, e.HTTP_REQUEST_TIMEOUT_SECONDS),
    },
    accountLimit: { perAccount: e.ACCOUNT_ACTIVE_REQUESTS, bodyFloorBytesPerSecond: e.HTTP_SIGNED_IN_BODY_MIN_BYTES_PER_SECOND, bodyWindowSeconds: e.HTTP_SIGNED_IN_BODY_WINDOW_SECONDS },
    backOfficeBudget: { share: e.BACKOFFICE_TIME_SHARE, maxWaitMs: e.BACKOFFICE_MAX_WAIT_SECONDS * 1000 },
    httpSockets: { perAddress: e.HTTP_SOCKETS_PER_ADDRESS, maxConnections: e.HTTP_MAX_CONNECTIONS || null, listenSockets: e.HTTP_LISTEN_SOCKETS },
    httpTimeouts: {
      requestSeconds: e.HTTP_REQUEST_TIMEOUT_SECONDS,
      headersSeconds: Math.min(e.HTTP_HEADERS_TIMEOUT_SECONDS, e.HTTP_REQUEST_TIMEOUT_SECONDS),
    },
    metricsToken: e.METRICS_TOKEN ?? null,
    payment: e.PAYFIP_WS_URL
      ? { kind: 'payfip', wsUrl: e.PAYFIP_WS_URL, paymentUrl: e.PAYFIP_PAYMENT_URL, numcli: e.PAYFIP_NUMCLI!, saisie: e.PAYFIP_SAISIE ?? (isProduction ? 'W' : 'T') }
      : isProduction
        ? { kind: 'none' }
        : { kind: 'simulator' },
    files: e.S3_ENDPOINT
      ? { kind: 's3', endpoint: e.S3_ENDPOINT, region: e.S3_REGION, bucket: e.S3_BUCKET!, accessKeyId: e.S3_ACCESS_KEY_ID!, secretAccessKey: e.S3_SECRET_ACCESS_KEY! }
      : { kind: 'local', dir: path.resolve(e.FILES_DIR ?? path.join(dataDir, 'files')) },
    franceConnect: e.FRANCECONNECT_ISSUER
      ? {
          mode: 'remote',
          issuer: e.FRANCECONNECT_ISSUER,
          clientId: e.FRANCECONNECT_CLIENT_ID!,
          clientSecret: e.FRANCECONNECT_CLIENT_SECRET!,
          redirectUri: `${publicUrl}/connexion/franceconnect/retour`,
          postLogoutRedirectUri: `${publicUrl}/deconnexion/retour`,
        }
      : {
          mode: 'simulator',
          issuer: `${publicUrl}/fc-simulateur`,
          clientId: 'portail-titres-securises',
          clientSecret: createHmac('sha256', sessionSecret).update('franceconnect-simulator-client').digest('base64url'),
          redirectUri: `${publicUrl}/connexion/franceconnect/retour`,
          postLogoutRedirectUri: `${publicUrl}/deconnexion/retour`,
        },
  };
  return deepFreeze(config);
}

/** What Fastify's trustProxy accepts from TRUST_PROXY. */
export type TrustProxy = boolean | number | string[];

/**
 * TRUST_PROXY: false/0/no (the socket's address), true/yes (every hop: development only), a hop
 * count (2) or a comma-separated list of addresses or CIDR ranges; null when it is none of them.
 */
export function parseTrustProxy(value: string): TrustProxy | null {
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === 'no' || v === '0') return false;
  if (v === 'true' || v === 'yes') return true;
  if (/^\d{1,2}$/.test(v)) return Number(v);
  const list = v.split(',').map((x) => x.trim());
  const ipv4 = /^(\d{1,3})(\.\d{1,3}){3}(\/\d{1,2})?$/;
  const ipv6 = /^[0-9a-f:]*:[0-9a-f:.]*(\/\d{1,3})?$/;
  return list.every((x) => ipv4.test(x) || ipv6.test(x)) ? list : null;
}

/** TRUST_PROXY for Fastify, whose types take no number: a hop count as proxy-addr reads one (the n hops nearest the socket are trusted). */
export function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust !== 'number') return trust;
  return (_address, hop) => hop < trust;
}

/** Config for tests: embedded database in memory unless TEST_DATABASE_URL/DATABASE_URL points to PostgreSQL. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  const base = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    LOG_FORMAT: 'json', // whether or not the tests run at a terminal: tests read the JSON lines
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    DATABASE_URL: process.env.DATABASE_URL,
    DATA_DIR: process.env.TEST_DATA_DIR ?? './.tmp/test-data',
    MAINTENANCE_CACHE_SECONDS: '0',
    JOBS_WORKER: 'false',
    // tests fire bursts of parallel requests on a loaded machine: a fixed, roomy waiting-room limit
    // (the admission tests set their own); the adaptive limit is tested on its own
    ADMISSION_MAX_CONCURRENT: '64',
    ADMISSION_TARGET_MS: '0',
    // bursts from one address (127.0.0.1) test the sign-in throttle: the waiting room's per-address cap is tested on its own
    ADMISSION_ACTIVE_PER_ADDRESS: '1000',
    // tests fire parallel requests as one user: the per-account cap is tested on its own
    ACCOUNT_ACTIVE_REQUESTS: '1000',
    // a loaded test machine runs its event loop late: the overload signal is tested on its own
    ADMISSION_MAX_LOOP_DELAY_MS: '0',
    // tests fire bursts of parallel agents' requests: the back office's time budget is tested on its own
    BACKOFFICE_TIME_SHARE: '0',
    ...overrides,
  });
  if (base.database.kind === 'pglite') {
    return deepFreeze({ ...base, database: { kind: 'pglite' as const, dataDir: null } });
  }
  return base;
}
