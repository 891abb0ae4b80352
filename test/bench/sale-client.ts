/**
 * A browser-like client of the benchmarks (cookies kept, the CSRF token read from the last page,
 * the waiting room's Retry-After waited as its page does) and a complete declaration of sale with it
 * (writes-and-nodes.ts, memory-after-load.ts). BENCH_TRACE=1 prints each request's method, path,
 * status and time.
 */
import type { Database } from '../../src/platform/db/database.ts';
import { DEMO_ACCOUNTS } from '../../src/demo/seed.ts';
import { demoRegistry } from '../../src/domains/vehicles/registry/demo-registry.ts';

export const SELLER = 'demo.particulier@example.fr';
const BUYER = { buyer_kind: 'natural', buyer_birth_name: 'Leroy', buyer_given_names: 'Julien', buyer_birth_date: '1985-02-03', buyer_address_line1: '2 place Bellecour', buyer_postcode: '69002', buyer_commune: 'Lyon', buyer_country: 'FRANCE', sale_time: '00:00', mileage: '60000' };
const SALE_DATE = '2026-11-21';
const LAST_CERTIFICATE_DATE = '2026-11-30';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Client {
  private cookies = new Map<string, string>();
  html = '';
  requests = 0;
  /** times this client was sent to the waiting room (and came back after its Retry-After) */
  waited = 0;
  /** `ip`: the visitor's address, as a load balancer forwards it (per-address throttles see many people, not one) */
  constructor(
    private readonly base: string,
    private readonly ip: string,
  ) {}
  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  async request(method: 'GET' | 'POST', url: string, fields?: Record<string, string>) {
    const headers: Record<string, string> = { accept: 'text/html', 'x-forwarded-for': this.ip };
    if (this.cookies.size) headers.cookie = this.cookieHeader;
    let body: string | undefined;
    if (fields) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin = this.base;
      body = new URLSearchParams(fields).toString();
    }
    const t0 = performance.now();
    let res = await fetch(this.base + url, { method, headers, body, redirect: 'manual' });
    for (let tries = 0; res.status === 503 && res.headers.get('x-admission') === 'waiting-room' && tries < 30; tries++) {
      await res.arrayBuffer();
      this.waited++;
      await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
      res = await fetch(this.base + url, { method, headers, body, redirect: 'manual' });
    }
    this.requests++;
    if (process.env.BENCH_TRACE) console.log(`${method} ${url.replace(/[0-9A-Z]{6,}/g, ':id')} ${res.status} ${(performance.now() - t0).toFixed(1)} ms`);
    for (const cookie of res.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair!.split('=');
      if (value.join('=') === '') this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    const bytes = Buffer.from(await res.arrayBuffer());
    const html = res.headers.get('content-type')?.startsWith('text/html') ? bytes.toString('utf8') : '';
    if (html) this.html = html;
    return { status: res.status, location: (res.headers.get('location') ?? '').replace(/^https?:\/\/[^/]+/, ''), body: html, bytes: bytes.length };
  }
  get(url: string) {
    return this.request('GET', url);
  }
  post(url: string, fields: Record<string, string>) {
    const csrf = /name="_csrf" value="([^"]+)"/.exec(this.html)?.[1] ?? '';
    return this.request('POST', url, { _csrf: csrf, ...fields });
  }
  /** the sign-in form, then its answer; throws unless signed in */
  async signIn(email: string, password: string): Promise<void> {
    await this.get('/connexion');
    const res = await this.post('/connexion', { email, password });
    if (res.status !== 303) throw new Error(`sign-in of ${email}: ${res.status}`);
  }
}

export interface SaleVehicle {
  plate: string;
  code: string;
  certificateDate: string;
}

/** The demo registry's vehicles SELLER can declare sold (plain SIV plates, one natural holder, a confidential code). */
export async function sellableVehicles(database: Database): Promise<SaleVehicle[]> {
  const ids = Object.fromEntries((await database.db.selectFrom('accounts').select(['id', 'email']).execute()).map((a) => [a.email, a.id]));
  const individual = ids[DEMO_ACCOUNTS.find((a) => a.profile === 'individual')!.email]!;
  const legalEntity = ids[DEMO_ACCOUNTS.find((a) => a.profile === 'legal_entity')!.email]!;
  return demoRegistry({ individual, legalEntity })
    .filter((e) => !e.holderEmail && e.plateKind === 'siv' && e.holder.kind === 'natural' && !e.coHolders && !e.encumbrances && !e.longTermLease && e.certificateNumber && e.confidentialCode)
    .filter((e) => e.certificateDate! <= LAST_CERTIFICATE_DATE)
    .map((e) => ({ plate: e.plate, code: e.confidentialCode!, certificateDate: e.certificateDate! }));
}

/**
 * One complete declaration of sale, 13 requests, then the seller's downloads of the documents its last
 * page links to (the certificate of sale, the CSA, the accusé: 3 more requests), as a seller gives
 * them to the buyer; BENCH_DOWNLOADS=0 leaves them out (the 13 requests alone, as measured before
 * 2 Dec 2026 04:00). Throws when a step is not acknowledged. Returns its last page.
 */
export async function sell(c: Client, v: SaleVehicle, downloads = process.env.BENCH_DOWNLOADS !== '0'): Promise<string> {
  await c.get('/vehicules/demandes/nouvelle');
  const key = /name="idempotency_key" value="([^"]+)"/.exec(c.html)![1]!;
  const created = await c.post('/vehicules/demandes/nouvelle', { idempotency_key: key, kind: 'sale_declaration', initiator: 'other', plate: v.plate });
  if (created.status !== 303) throw new Error(`new procedure: ${created.status}`);
  const page = created.location;
  await c.get(page);
  await c.post(`${page}/code`, { code: v.code });
  const base = `${page}/cession`;
  await c.get(base);
  await c.post(`${base}/commencer`, { understood: 'oui' });
  await c.post(`${base}/documents`, {});
  await c.get(base);
  const declared = await c.post(`${base}/declaration`, { ...BUYER, sale_date: v.certificateDate > SALE_DATE ? v.certificateDate : SALE_DATE });
  if (declared.status !== 303) throw new Error(`declaration of ${v.plate}: ${declared.status}`);
  await c.get(base);
  const confirmed = await c.post(`${base}/confirmer`, { certify: 'oui' });
  if (confirmed.status !== 303) throw new Error(`confirmation of ${v.plate}: ${confirmed.status}`);
  const done = await c.get(confirmed.location || base);
  if (!/id="code-de-cession">[A-Z0-9]{11}</.test(done.body)) throw new Error(`no code de cession for ${v.plate}`);
  if (downloads) {
    const links = [...new Set([...done.body.matchAll(/href="(\/vehicules\/demandes\/[^"]+\.pdf)"/g)].map((m) => m[1]!))];
    if (links.length !== 3) throw new Error(`${links.length} documents linked for ${v.plate}, 3 expected`);
    for (const link of links) {
      const pdf = await c.get(link);
      if (pdf.status !== 200 || pdf.bytes < 10_000) throw new Error(`download of ${link}: ${pdf.status}, ${pdf.bytes} bytes`);
    }
  }
  return done.body;
}
