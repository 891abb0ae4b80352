/**
 * Crash test (issue 15, `npm run test:crash`, PostgreSQL only): the real server runs as a child
 * process on a fresh database; several clients declare sales, change holders and pay duplicates
 * over HTTP while a killer SIGKILLs the server at random moments and starts it again. A client
 * whose request failed on the network retries it as a browser would after a reload (the same
 * form, the same idempotency key). At the end: every acknowledged submission is in the database
 * once, every charge the card simulator accepted is either the procedure's one payment or recorded
 * to refund, no job failed or is left behind, and the audit chain verifies.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { DEMO_ACCOUNTS, seedDemoData } from '../../src/demo/seed.ts';
import { demoRegistry } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { openDatabase, type Database } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';

const ADMIN_URL = process.env.DATABASE_URL;
if (!ADMIN_URL) throw new Error('npm run test:crash needs a PostgreSQL server: set DATABASE_URL=postgres://… (a database is created on it for the run, then dropped)');

const KILLS = Number(process.env.CRASH_KILLS ?? 20);
const CLIENTS = Number(process.env.CRASH_CLIENTS ?? 4);
const SESSION_SECRET = 'crash-test-session-secret-0123456789abcdef';
const SELLER = 'demo.particulier@example.fr';
const BUYER = 'demo.entreprise@example.fr'; // certified, with Julien Leroy's FranceConnect identity (below)
const PASSWORD = 'demo demo demo demo';
const JULIEN_BUYER = { buyer_kind: 'natural', buyer_birth_name: 'Leroy', buyer_given_names: 'Julien', buyer_birth_date: '1985-02-03', buyer_address_line1: '2 place Bellecour', buyer_postcode: '69002', buyer_commune: 'Lyon', buyer_country: 'FRANCE', sale_date: '2026-11-21', sale_time: '10:00', mileage: '60000' };
const JULIEN_HOLDER = { use: 'personnel', birth_name: 'Leroy', given_names: 'Julien', birth_date: '1985-02-03', birth_place: 'Lyon', address_line1: '4 quai de la Gare', postcode: '69003', commune: 'Lyon' };
const CARD = { card_number: '4242 4242 4242 4242', expiry: '12/30', cvc: '123', action: 'valider' };

/** The environment of a child process: the real clock (the server's SQL now() is PostgreSQL's). */
function realClockEnv(): NodeJS.ProcessEnv {
  const { APP_CLOCK_START: _moved, ...env } = process.env;
  return env;
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** The server as a separate process, killed with SIGKILL and started again on the same port. */
class ServerProcess {
  private child: ChildProcess | null = null;
  private readyPromise: Promise<void> = Promise.resolve();
  starts = 0;
  stderr = '';
  /** performance.now() of the last start, and the seconds each start took to answer /healthz */
  startedAt = 0;
  startSeconds: number[] = [];
  constructor(readonly url: string, private readonly env: Record<string, string>) {}

  start(): Promise<void> {
    this.starts++;
    const startedAt = (this.startedAt = performance.now());
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: { ...realClockEnv(), ...this.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-20_000)));
    this.child = child;
    this.readyPromise = (async () => {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode}) while starting:\n${this.stderr}`);
        try {
          const res = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2000) });
          if (res.ok) {
            this.startSeconds.push((performance.now() - startedAt) / 1000);
            return;
          }
        } catch {
          /* not listening yet */
        }
        await sleep(100);
      }
      throw new Error(`the server did not answer /healthz within 60 s:\n${this.stderr}`);
    })();
    return this.readyPromise;
  }

  /** Resolves once the server (as it is now, or restarted) answers. */
  ready(): Promise<void> {
    return this.readyPromise;
  }

  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}

class NetworkError extends Error {}
class SignedOut extends Error {}

interface Response {
  status: number;
  location: string;
  body: string;
}

/** A browser-like client over fetch: keeps cookies, reads the CSRF token of its pages. */
class Client {
  private cookies = new Map<string, string>();
  private csrf = '';
  html = '';
  networkRetries = 0;
  constructor(private readonly server: ServerProcess, readonly email: string) {}

  private async request(method: 'GET' | 'POST', path: string, form?: Record<string, string>): Promise<Response> {
    const headers: Record<string, string> = { accept: 'text/html', origin: this.server.url };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(form).toString();
    }
    let res: globalThis.Response;
    let text: string;
    try {
      res = await fetch(this.server.url + path, { method, headers, body, redirect: 'manual', signal: AbortSignal.timeout(60_000) });
      text = await res.text();
    } catch (error) {
      throw new NetworkError(`${method} ${path}: ${(error as Error).message}`);
    }
    for (const cookie of res.headers.getSetCookie()) {
      const [pair, ...attributes] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired = !value || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || (/^\s*expires=/i.test(a) && new Date(a.split('=')[1]!).getTime() < Date.now()));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    if (res.status >= 500) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    const location = res.headers.get('location') ?? '';
    if (res.headers.get('content-type')?.startsWith('text/html')) {
      this.html = text;
      const token = /name="_csrf" value="([^"]+)"/.exec(text)?.[1];
      if (token) this.csrf = token;
    }
    if (res.status === 303 && /\/connexion(\?|$)/.test(location) && !path.startsWith('/connexion')) throw new SignedOut(path);
    return { status: res.status, location: location.replace(/^https?:\/\/[^/]+/, ''), body: text };
  }

  get(path: string) {
    return this.request('GET', path);
  }
  post(path: string, fields: Record<string, string>) {
    return this.request('POST', path, { _csrf: this.csrf, ...fields });
  }
  /** The simulator's card form carries no CSRF token (another site in production). */
  postBare(path: string, fields: Record<string, string>) {
    return this.request('POST', path, fields);
  }

  async signIn(): Promise<void> {
    await this.step(async () => {
      this.cookies.clear();
      await this.get('/connexion');
      const res = await this.post('/connexion', { email: this.email, password: PASSWORD });
      if (res.status !== 303) throw new Error(`sign-in of ${this.email} answered ${res.status}`);
    }, false);
  }

  /**
   * Runs a step; when the server died under it (network error), waits for the restarted server and
   * runs it again (the same form, the same idempotency key: a browser's reload). A lost session
   * (its cookie written by a request that was killed) signs in again.
   */
  async step<T>(fn: () => Promise<T>, resign = true): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 40) throw new Error('a step kept failing on the network');
      try {
        return await fn();
      } catch (error) {
        if (error instanceof NetworkError) {
          this.networkRetries++;
          await sleep(50);
          await this.server.ready();
          continue;
        }
        if (error instanceof SignedOut && resign) {
          await this.signIn();
          continue;
        }
        throw error;
      }
    }
  }
}

/** What a person reads in the page's main part (for failure messages). */
const mainText = (html: string) =>
  (html.split('<main')[1] ?? html)
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .slice(0, 600);
const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];

interface Vehicle {
  plate: string;
  code: string;
  certificateNumber: string;
  certificateDate: string;
}

/** What the clients were told: the facts the database must hold at the end. */
const acknowledged = {
  created: [] as { email: string; key: string; file: string; kind: string }[],
  sales: [] as string[],
  filed: [] as string[], // holder changes and duplicates filed (awaiting payment)
  paid: [] as string[], // "Votre paiement est enregistré."
  charges: new Set<string>(), // simulator transactions answered "Paiement accepté"
  paymentsNotOpened: 0,
};

async function startProcedure(client: Client, kind: string, plate: string, initiator: 'self' | 'other'): Promise<string> {
  const key = await client.step(async () => {
    await client.get('/vehicules/demandes/nouvelle');
    return hidden(client.html, 'idempotency_key')!;
  });
  const file = await client.step(async () => {
    await client.get('/vehicules/demandes/nouvelle'); // a fresh page for the CSRF token; the form keeps its key
    const res = await client.post('/vehicules/demandes/nouvelle', { idempotency_key: key, kind, initiator, plate });
    if (res.status !== 303) throw new Error(`starting a ${kind} of ${plate} answered ${res.status}: ${mainText(client.html)}`);
    return res.location.split('/').pop()!;
  });
  acknowledged.created.push({ email: client.email, key, file, kind });
  return file;
}

/** Posts a step of a procedure; after a retry the step may already be done (then the page moved on). */
async function submit(client: Client, page: string, action: string, fields: Record<string, string>): Promise<Response> {
  return client.step(async () => {
    await client.get(page);
    return client.post(action, fields);
  });
}

async function pay(client: Client, base: string, file: string): Promise<void> {
  for (let opening = 0; opening < 6; opening++) {
    const key = await client.step(async () => {
      await client.get(base);
      return hidden(client.html, 'idempotency_key');
    });
    if (!key) return; // nothing to pay any more (paid by an earlier attempt settled by its notification)
    const toProvider = await submit(client, base, `${base}/payer`, { idempotency_key: key });
    const tx = /\/paiement-simule\/([A-Za-z0-9_-]+)/.exec(toProvider.location)?.[1];
    if (!tx) {
      // an opening interrupted by a kill holds the procedure for two minutes, or it is already paid
      await sleep(3000);
      continue;
    }
    const done = await client.step(async () => {
      await client.get(`/paiement-simule/${tx}`);
      return client.postBare(`/paiement-simule/${tx}`, CARD);
    });
    if (done.body.includes('Paiement accepté')) acknowledged.charges.add(tx);
    else return;
    const back = await client.step(async () => {
      let res = await client.get('/paiement/retour');
      for (let i = 0; i < 5 && res.status >= 300 && res.status < 400; i++) res = await client.get(res.location);
      return res;
    });
    if (back.body.includes('Votre paiement est enregistré.')) acknowledged.paid.push(file);
    return;
  }
  acknowledged.paymentsNotOpened++;
}

/** The demo registry dates some certificates after the day this test was written: those cannot be sold at a past date. */
const LAST_CERTIFICATE_DATE = '2026-11-30';

/** Submissions the server answered without acknowledging them (typed again): printed with the figures. */
const unacknowledged: string[] = [];

/** Declares the sale of a vehicle to Julien Leroy; returns the code de cession if it was shown. */
async function sell(seller: Client, v: Vehicle): Promise<{ file: string; code: string | null } | null> {
  const file = await startProcedure(seller, 'sale_declaration', v.plate, 'other');
  const page = `/vehicules/demandes/${file}`;
  await submit(seller, page, `${page}/code`, { code: v.code });
  const base = `${page}/cession`;
  await submit(seller, base, `${base}/commencer`, { understood: 'oui' });
  await submit(seller, base, `${base}/documents`, {});
  // A declaration not acknowledged (no 303: the form came back) is typed again, as a person would;
  // one acknowledged and then missing would be a loss, and the confirmation below would fail on it.
  for (let typed = 1; ; typed++) {
    // sold on 21 November 2026, or on the day of its certificate when that is later (never before it)
    const saleDate = v.certificateDate > JULIEN_BUYER.sale_date ? v.certificateDate : JULIEN_BUYER.sale_date;
    const declared = await submit(seller, base, `${base}/declaration`, { ...JULIEN_BUYER, sale_date: saleDate, sale_time: '00:00' });
    if (declared.status === 303) break;
    unacknowledged.push(`declaration of ${file}: ${declared.status} ${mainText(seller.html).slice(0, 200)}`);
    if (typed === 3) throw new Error(`the declaration of ${file} was refused three times: ${unacknowledged.at(-1)}`);
  }
  const confirmed = await submit(seller, base, `${base}/confirmer`, { certify: 'oui' });
  if (confirmed.status !== 303) throw new Error(`confirming the sale ${file} answered ${confirmed.status}: ${mainText(seller.html)}`);
  acknowledged.sales.push(file);
  const done = await seller.step(() => seller.get(confirmed.location || base));
  return { file, code: /id="code-de-cession">([A-Z0-9]{11})</.exec(done.body)?.[1] ?? null };
}

/** Julien (on the company's certified account) takes the vehicle: code de cession or old certificate, holder, filing, payment. */
async function changeHolder(buyer: Client, v: Vehicle, code: string | null): Promise<void> {
  const file = await startProcedure(buyer, 'holder_change', v.plate, 'self');
  const base = `/vehicules/demandes/${file}/titulaire`;
  // the code de cession is shown once: a seller whose page was lost to a kill passes the old certificate
  await submit(buyer, base, `${base}/code`, code ? { has_code: 'oui', cession_code: code } : { has_code: 'non', certificate_number: v.certificateNumber, certificate_date: v.certificateDate });
  await submit(buyer, base, `${base}/nouveau-titulaire`, JULIEN_HOLDER);
  const filed = await submit(buyer, base, `${base}/confirmer`, { clu: 'oui' });
  if (filed.status !== 303) throw new Error(`filing the change of holder ${file} answered ${filed.status}: ${mainText(buyer.html)}`);
  acknowledged.filed.push(file);
  await pay(buyer, base, file);
}

async function duplicate(owner: Client, v: Vehicle): Promise<void> {
  const file = await startProcedure(owner, 'duplicate', v.plate, 'other');
  const page = `/vehicules/demandes/${file}`;
  await submit(owner, page, `${page}/code`, { code: v.code });
  const base = `${page}/duplicata`;
  await submit(owner, base, base, { reason: 'loss', declaration: 'oui' });
  const filed = await submit(owner, base, `${base}/confirmer`, { clu: 'oui' });
  if (filed.status !== 303) throw new Error(`filing the duplicate ${file} answered ${filed.status}: ${mainText(owner.html)}`);
  acknowledged.filed.push(file);
  await pay(owner, base, file);
}

describe('crash test: SIGKILL under load on PostgreSQL', () => {
  let dbName = '';
  let dbUrl = '';
  let database: Database;
  let server: ServerProcess;
  let vehicles: Vehicle[] = [];

  beforeAll(async () => {
    dbName = `crash_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const url = new URL(ADMIN_URL);
    url.pathname = `/${dbName}`;
    dbUrl = url.toString();
    // the server is another process on the real clock: no testclock schema here (test/helpers/database.ts)
    database = await openDatabase({ kind: 'postgres', url: dbUrl, poolSize: 3 });
    await migrate(database);
    const config = loadConfig({ NODE_ENV: 'development', DATABASE_URL: dbUrl, SESSION_SECRET, DEMO_DATA: 'false' });
    await seedDemoData(database.db, config);
    await sql`update accounts set certified = true where email = ${BUYER}`.execute(database.db);
    await sql`insert into franceconnect_identities (sub, account_id, given_name, family_name, birthdate, gender, birthplace, birthcountry, email)
      select 'julien-leroy', id, 'Julien', 'LEROY', '1985-02-03', 'male', '69123', '99100', email from accounts where email = ${BUYER}`.execute(database.db);
    // the generated vehicles of the demo registry (same fixed seed), plain ones: one natural holder, no encumbrance, no lease
    const ids = Object.fromEntries((await database.db.selectFrom('accounts').select(['id', 'email']).execute()).map((a) => [a.email, a.id]));
    const individual = ids[DEMO_ACCOUNTS.find((a) => a.profile === 'individual')!.email]!;
    const legalEntity = ids[DEMO_ACCOUNTS.find((a) => a.profile === 'legal_entity')!.email]!;
    vehicles = demoRegistry({ individual, legalEntity })
      .filter((e) => !e.holderEmail && e.plateKind === 'siv' && e.holder.kind === 'natural' && !e.coHolders && !e.encumbrances && !e.longTermLease && e.certificateNumber && e.confidentialCode)
      // a sale may not precede the certificate, nor be in the future: certificates dated before this session's day
      .filter((e) => e.certificateDate <= LAST_CERTIFICATE_DATE)
      .map((e) => ({ plate: e.plate, code: e.confidentialCode!, certificateNumber: e.certificateNumber!, certificateDate: e.certificateDate! }));
    const port = await freePort();
    server = new ServerProcess(`http://127.0.0.1:${port}`, {
      NODE_ENV: 'development',
      DATABASE_URL: dbUrl,
      DATABASE_POOL_SIZE: '5',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SESSION_SECRET,
      DEMO_DATA: 'false',
      DEV_OUTBOX: 'true',
      JOBS_WORKER: 'true',
      JOBS_POLL_MS: '200',
      LOG_LEVEL: 'warn',
      // what is tested here is that nothing acknowledged is lost, not the waiting room: a restart
      // under CI's load may legitimately send a client's sign-in to the waiting page (a 503 that
      // this test would count as a lost request)
      ADMISSION_MAX_LOOP_DELAY_MS: '0',
    });
    await server.start();
  }, 180_000);

  afterAll(async () => {
    await server?.kill();
    await database?.close();
    if (dbName && !process.env.CRASH_KEEP_DB) {
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      await admin.connect();
      await admin.query(`drop database if exists ${dbName} with (force)`);
      await admin.end();
    }
  });

  it(`survives ${KILLS} SIGKILLs during sales, changes of holder and payments: nothing acknowledged lost or doubled, no job lost, the audit chain intact`, async () => {
    const started = Date.now();
    let stop = false;
    let kills = 0;
    const pool = [...vehicles];
    const take = () => pool.shift();

    // the kills begin once every client has signed in: a sign-in killed between the throttle's count of
    // the attempt and its refund stays counted (a crash is not a proof of the right password), and the
    // eight first sign-ins of two accounts at once, killed twice or more, would lock them out
    let signedIn = 0;
    let allSignedIn: () => void = () => undefined;
    const everyoneSignedIn = new Promise<void>((resolve) => (allSignedIn = resolve));
    const killer = (async () => {
      await everyoneSignedIn;
      for (kills = 0; kills < KILLS; ) {
        await server.ready();
        await sleep(300 + Math.random() * 2700);
        await server.kill();
        kills++;
        await server.start();
      }
      stop = true;
    })();

    const clientLoop = async (n: number) => {
      const seller = new Client(server, SELLER);
      const buyer = new Client(server, BUYER);
      await seller.signIn();
      await buyer.signIn();
      if (++signedIn === CLIENTS) allSignedIn();
      for (let round = 0; !stop || round === 0; round++) {
        const v = take();
        if (!v) throw new Error('the demo registry ran out of vehicles: fewer clients or kills');
        if ((n + round) % 3 === 2) await duplicate(seller, v);
        else {
          const sale = await sell(seller, v);
          if (sale) await changeHolder(buyer, v, sale.code);
        }
      }
      return seller.networkRetries + buyer.networkRetries;
    };
    const loops = Array.from({ length: CLIENTS }, (_, n) => clientLoop(n));
    const retries = (await Promise.all([killer, ...loops])).slice(1).reduce((a: number, b) => a + (b as number), 0);
    await server.ready();

    // -- the jobs a killed worker had claimed stay locked for 5 minutes, and a failed try waits 30 s
    //    before the next: both delays are fast-forwarded, then the worker of the last server drains them.
    const db = database.db;
    //    A job locked until before (last spawn + 300 s + 1 s) was claimed by a killed process: the
    //    last one spent more than a second loading before its worker could claim anything.
    const sinceStart = (performance.now() - server.startedAt) / 1000;
    await sql`update jobs set locked_until = null where done_at is null and failed_at is null and locked_until < now() + make_interval(secs => ${300 - sinceStart + 1})`.execute(db);
    await sql`update jobs set run_at = now() where done_at is null and failed_at is null and attempts > 0 and run_at > now()`.execute(db);
    let pending = -1;
    for (let i = 0; i < 120; i++) {
      pending = Number((await sql<{ n: number }>`select count(*)::int as n from jobs where done_at is null and failed_at is null and run_at <= now()`.execute(db)).rows[0]!.n);
      if (pending === 0) break;
      await sleep(500);
    }

    // -- every acknowledged creation exists once, under the file number the client was given
    const procedures = await db.selectFrom('vehicle_procedures').select(['id', 'file_number', 'account_id', 'kind', 'status', 'idempotency_key as key']).execute();
    const byKey = new Map<string, typeof procedures>();
    for (const p of procedures) if (p.key) byKey.set(`${p.account_id}:${p.key}`, [...(byKey.get(`${p.account_id}:${p.key}`) ?? []), p]);
    const doubled = [...byKey.entries()].filter(([, rows]) => rows.length > 1).map(([key]) => key);
    expect(doubled, 'procedures created twice for one idempotency key').toEqual([]);
    const accountIds = Object.fromEntries((await db.selectFrom('accounts').select(['id', 'email']).execute()).map((a) => [a.email, a.id]));
    const lost = acknowledged.created.filter((c) => byKey.get(`${accountIds[c.email]}:${c.key}`)?.[0]?.file_number !== c.file);
    expect(lost, 'acknowledged procedures missing').toEqual([]);
    const byFile = new Map(procedures.map((p) => [p.file_number, p]));

    // -- every acknowledged sale is declared once: the procedure completed, one code de cession
    const codes = await db.selectFrom('cession_codes').select(['procedure_id', sql<number>`count(*)::int`.as('n')]).groupBy('procedure_id').execute();
    const codesOf = new Map(codes.map((c) => [Number(c.procedure_id), c.n]));
    const badSales = acknowledged.sales.filter((file) => byFile.get(file)?.status !== 'completed' || codesOf.get(byFile.get(file)!.id) !== 1);
    expect(badSales, 'acknowledged sales not completed with exactly one code de cession').toEqual([]);
    expect(codes.filter((c) => c.n > 1), 'a sale with two codes de cession').toEqual([]);

    // -- every acknowledged filing awaits payment or went further
    const badFilings = acknowledged.filed.filter((file) => !['awaiting_payment', 'completed'].includes(byFile.get(file)?.status ?? ''));
    expect(badFilings, 'acknowledged filings lost').toEqual([]);

    // -- charges: each accepted by the simulator is the procedure's one payment or recorded to refund
    const payments = await db.selectFrom('payments').select(['id', 'procedure_id', 'status', 'provider_transaction_id', 'reference']).execute();
    const refunds = new Set((await db.selectFrom('payment_refunds').select('payment_id').execute()).map((r) => Number(r.payment_id)));
    const paidTx = await db.selectFrom('simulated_provider_transactions').select(['id', 'reference']).where('status', '=', 'paid').execute();
    const paymentOfTx = new Map(payments.filter((p) => p.provider_transaction_id).map((p) => [p.provider_transaction_id!, p]));
    const notInDb = [...acknowledged.charges].filter((tx) => !paidTx.some((t) => t.id === tx));
    expect(notInDb, 'charges accepted by the simulator that it did not record').toEqual([]);
    const unaccounted = paidTx.filter((t) => {
      const p = paymentOfTx.get(t.id);
      return !p || !(p.status === 'success' || (p.status === 'to_refund' && refunds.has(Number(p.id))) || p.status === 'refunded');
    });
    expect(unaccounted.map((t) => ({ tx: t.id, payment: paymentOfTx.get(t.id) })), 'charges neither paid nor to refund').toEqual([]);
    const successes = new Map<number, number>();
    for (const p of payments) if (p.status === 'success') successes.set(Number(p.procedure_id), (successes.get(Number(p.procedure_id)) ?? 0) + 1);
    expect([...successes.values()].filter((n) => n > 1), 'a procedure paid twice').toEqual([]);
    const procedureById = new Map(procedures.map((p) => [Number(p.id), p]));
    const paidNotDone = [...successes.keys()].filter((id) => procedureById.get(id)?.status !== 'completed');
    expect(paidNotDone.map((id) => procedureById.get(id)?.file_number), 'paid procedures not completed').toEqual([]);
    const paidLost = acknowledged.paid.filter((file) => !successes.has(Number(byFile.get(file)?.id)));
    expect(paidLost, 'payments acknowledged to the user not recorded').toEqual([]);

    // -- no job failed, none left behind
    const failedJobs = await db.selectFrom('jobs').select(['id', 'kind', 'last_error']).where('failed_at', 'is not', null).execute();
    expect(failedJobs, 'failed jobs').toEqual([]);
    const waiting = await db.selectFrom('jobs').select(['id', 'kind', 'attempts', 'run_at', 'locked_until', 'last_error']).where('done_at', 'is', null).where('failed_at', 'is', null).where(sql<boolean>`run_at <= now()`).execute();
    expect(waiting, 'jobs still waiting after the drain').toEqual([]);

    // -- the audit chain verifies (npm run audit:verify, on this database)
    const verify = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/audit-verify.ts'], { env: { ...realClockEnv(), DATABASE_URL: dbUrl, SESSION_SECRET, NODE_ENV: 'development', LOG_LEVEL: 'warn' } }).catch((error: { code?: number; stdout?: string; stderr?: string }) => error);
    expect((verify as { code?: number }).code ?? 0, `${(verify as { stdout?: string }).stdout}${(verify as { stderr?: string }).stderr}`).toBe(0);

    const jobsDone = Number((await sql<{ n: number }>`select count(*)::int as n from jobs where done_at is not null`.execute(db)).rows[0]!.n);
    const figures = {
      kills,
      serverStarts: server.starts,
      clients: CLIENTS,
      proceduresAcknowledged: acknowledged.created.length,
      salesAcknowledged: acknowledged.sales.length,
      filingsAcknowledged: acknowledged.filed.length,
      paymentsAcknowledged: acknowledged.paid.length,
      chargesAccepted: acknowledged.charges.size,
      chargesInDatabase: paidTx.length,
      successfulPayments: [...successes.values()].length,
      toRefund: refunds.size,
      paymentsNotOpened: acknowledged.paymentsNotOpened,
      openingsCutByAKill: payments.filter((p) => p.status === 'created' && !p.provider_transaction_id).length,
      requestsRetried: retries,
      submissionsTypedAgain: unacknowledged,
      restartSecondsAverage: Math.round((server.startSeconds.reduce((a, b) => a + b, 0) / server.startSeconds.length) * 10) / 10,
      jobsDone,
      auditChain: (verify as { stdout?: string }).stdout?.trim().split('\n')[0],
      seconds: Math.round((Date.now() - started) / 1000),
    };
    console.log(`crash test: ${JSON.stringify(figures, null, 2)}`);
    expect(kills).toBe(KILLS);
  }, 600_000);
});
