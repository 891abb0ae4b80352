import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../../src/config.ts';
import { openTestDatabase, type TestDatabase } from './database.ts';

export interface TestApp {
  app: FastifyInstance;
  database: TestDatabase;
  close(): Promise<void>;
}

/** The real app on a test database (one per test file); `extend` runs before the app is ready. */
export async function createTestApp(
  env: Record<string, string> = {},
  extend?: (app: FastifyInstance) => void | Promise<void>,
): Promise<TestApp> {
  const database = await openTestDatabase();
  const app = await buildApp(testConfig(env), database);
  await extend?.(app);
  await app.ready();
  return {
    app,
    database,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

/**
 * The usual frame of an integration test file: one app on its own database for the file, emptied
 * and given the demo data again before each test. `use` receives the app once it is ready.
 */
export function useSeededApp(use: (t: TestApp) => void, env: Record<string, string> = {}): void {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(env);
    use(t);
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.database.reset();
    await seedDemoData(t.database.db, t.app.config);
  });
}

/** A browser-like client over app.inject: keeps cookies, reads CSRF tokens from the last page. */
export class TestClient {
  private cookies = new Map<string, string>();
  lastHtml = '';

  private readonly nodes: FastifyInstance[];
  private turn = 0;
  /** Requests served by `app`, or in turn by each of several apps (nodes) sharing one database. */
  constructor(app: FastifyInstance, ...otherNodes: FastifyInstance[]) {
    this.nodes = [app, ...otherNodes];
  }
  /** The app serving the next request (the next node in turn). */
  private get app(): FastifyInstance {
    return this.nodes[this.turn++ % this.nodes.length]!;
  }

  private withCookies(headers: Record<string, string>): Record<string, string> {
    if (!this.cookies.size) return headers;
    return { ...headers, cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') };
  }

  /** The Cookie header this client sends (for a request over real HTTP). */
  cookieHeader(): string {
    return this.withCookies({}).cookie ?? '';
  }

  hasCookie(name: string): boolean {
    return this.cookies.has(name);
  }

  private remember(res: LightMyRequestResponse): void {
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = c.maxAge === 0 || (c.expires && c.expires.getTime() < Date.now()) || c.value === '';
      if (expired) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url, headers: this.withCookies({ accept: 'text/html', ...headers }) });
    this.remember(res);
    this.lastHtml = res.body;
    return res;
  }

  /** Follows redirects (relative or absolute) as a browser would, until a page. */
  async follow(res: LightMyRequestResponse, max = 10): Promise<LightMyRequestResponse & { url: string }> {
    let url = '';
    for (let i = 0; i < max && res.statusCode >= 300 && res.statusCode < 400; i++) {
      const next = new URL(String(res.headers.location), 'http://localhost:3000' + (url || '/'));
      url = next.pathname + next.search;
      res = await this.get(url);
    }
    return Object.assign(res, { url });
  }

  /** Submits the first form of the last page whose action matches, with its hidden fields plus `fields`. */
  async submit(actionMatch: RegExp, fields: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const forms = [...this.lastHtml.matchAll(/<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/g)];
    const form = forms.find((f) => actionMatch.test(f[1]!.replace(/&amp;/g, '&')));
    if (!form) throw new Error(`no form matching ${actionMatch} on the last page`);
    const hidden = Object.fromEntries([...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!.replace(/&amp;/g, '&')]));
    const action = new URL(form[1]!.replace(/&amp;/g, '&'), 'http://localhost:3000/');
    return this.post(action.pathname + action.search, { ...hidden, ...fields }, { csrf: null });
  }

  csrfToken(): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(this.lastHtml);
    if (!m) throw new Error('no CSRF token on the last page');
    return m[1]!;
  }

  /** Posts a form with files (multipart/form-data), with the CSRF token of the last page. */
  async postFiles(url: string, fields: Record<string, string>, files: TestFile[]): Promise<LightMyRequestResponse> {
    const { payload, contentType } = multipartBody({ _csrf: this.csrfToken(), ...fields }, files);
    const res = await this.app.inject({ method: 'POST', url, payload, headers: this.withCookies({ 'content-type': contentType, accept: 'text/html' }) });
    this.remember(res);
    if (res.headers['content-type']?.toString().startsWith('text/html')) this.lastHtml = res.body;
    return res;
  }

  /** Posts a form as the browser would, with the CSRF token of the last page unless given. */
  async post(url: string, fields: Record<string, string | string[]>, opts: { csrf?: string | null } = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    const token = opts.csrf === undefined ? this.csrfToken() : opts.csrf;
    if (token !== null) body.append('_csrf', token);
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body.toString(),
      headers: this.withCookies({ 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }),
    });
    this.remember(res);
    if (res.headers['content-type']?.toString().startsWith('text/html')) this.lastHtml = res.body;
    return res;
  }
}

export interface TestFile {
  field: string;
  filename: string;
  bytes: Buffer;
  contentType?: string;
}

/** A multipart/form-data body, as a browser builds it for a form with file inputs. */
export function multipartBody(fields: Record<string, string>, files: TestFile[]): { payload: Buffer; contentType: string } {
  const boundary = `----test${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${f.field}"; filename="${f.filename}"\r\nContent-Type: ${f.contentType ?? 'application/octet-stream'}\r\n\r\n`));
    parts.push(f.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The visible text of an HTML page, whitespace collapsed: for assertions on what a person reads. */
export function textOf(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;|&#160;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}
