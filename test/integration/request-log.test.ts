import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { processLogStream } from '../../src/platform/observability/log-stream.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/**
 * Log volume at peak (issue 20): Fastify wrote two JSON lines per request (156 MB in 17 minutes of a
 * flood). Now one line per request at its end, and the waiting room's answers as a count per interval.
 * The lines are read where the portal writes them (its stdout destination), at level info.
 */
let t: TestApp;
let app: FastifyInstance;
let lines: Record<string, unknown>[] = [];
let openGate: () => void = () => undefined;
let gate: Promise<void> = Promise.resolve();

beforeAll(async () => {
  vi.spyOn(processLogStream(), 'write').mockImplementation((chunk: string) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
    return true;
  });
  t = await createTestApp({ LOG_LEVEL: 'info', ADMISSION_MAX_CONCURRENT: '2', LOG_TURNED_AWAY_SECONDS: '1' }, (a) => {
    a.get('/test/occupe', async () => {
      await gate;
      return 'fini';
    });
    a.get('/test/refus', async () => {
      throw Object.assign(new Error('conflit de test'), { statusCode: 409, code: 'TEST_CONFLIT' });
    });
    a.get('/test/panne', async () => {
      throw new Error('panne de test');
    });
  });
  app = t.app;
});
afterAll(async () => {
  await t.close();
  vi.restoreAllMocks();
});
beforeEach(() => {
  lines = [];
});

const ofRequest = (id: unknown) => lines.filter((l) => l.reqId === id);

describe('request logs', () => {
  it('writes one line per request, at its end: method, route, status, time, request id; no query string, no cookie', async () => {
    const res = await app.inject({ url: '/cgu?token=s3cr3t-jeton&x=1', headers: { accept: 'text/html', cookie: 'sid=biscuit-secret' } });
    expect(res.statusCode).toBe(200);
    const mine = ofRequest(res.headers['x-request-id']);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ msg: 'requête', method: 'GET', route: '/cgu', status: 200 });
    expect(typeof mine[0]!.ms).toBe('number');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('s3cr3t-jeton');
    expect(text).not.toContain('biscuit-secret');
    expect(text).not.toContain('incoming request');
  });

  it('writes one line for a refused request (4xx), with the error’s code: the error page adds no line of its own', async () => {
    const res = await app.inject({ url: '/test/refus', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(409);
    expect(res.body).toContain('<html'); // the error page was rendered
    const mine = ofRequest(res.headers['x-request-id']);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ msg: 'requête', level: 30, route: '/test/refus', status: 409, code: 'TEST_CONFLIT' });
  });

  it('writes one line for a server error (5xx), at error, with the error and its stack: the error page adds no line of its own', async () => {
    for (const accept of ['text/html', 'application/json']) {
      const res = await app.inject({ url: '/test/panne', headers: { accept } });
      expect(res.statusCode).toBe(500);
      const mine = ofRequest(res.headers['x-request-id']);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ msg: 'requête', level: 50, route: '/test/panne', status: 500, err: { message: 'panne de test' } });
      expect((mine[0]!.err as { stack: string }).stack).toContain('request-log.test.ts');
    }
  });

  it('writes one line, at warn, for a form refused for its CSRF token', async () => {
    const res = await app.inject({ method: 'POST', url: '/connexion', payload: 'email=a%40example.fr', headers: { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.statusCode).toBe(403);
    const mine = ofRequest(res.headers['x-request-id']);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ msg: 'requête', level: 40, route: '/connexion', status: 403, event: 'csrf_rejected' });
  });

  it('logs a route’s pattern, never its values, and an unknown path without its query string', async () => {
    const token = 'AbCdEfGhIjKlMnOpQrStUv';
    const activation = await app.inject({ url: `/activation/${token}`, headers: { accept: 'text/html' } });
    const unknown = await app.inject({ url: '/nulle-part?code=abc123', headers: { accept: 'text/html' } });
    expect(unknown.statusCode).toBe(404);
    expect(ofRequest(activation.headers['x-request-id'])).toHaveLength(1);
    expect(ofRequest(unknown.headers['x-request-id'])).toEqual([expect.objectContaining({ method: 'GET', path: '/nulle-part', status: 404 })]);
    const text = JSON.stringify(lines);
    expect(text).not.toContain(token);
    expect(text).not.toContain('abc123');
  });

  it('counts the requests the waiting room turns away, in one line per interval instead of one each', async () => {
    gate = new Promise((resolve) => (openGate = resolve));
    const held = [app.inject('/test/occupe'), app.inject('/test/occupe')];
    for (let i = 0; i < 500 && app.admission.stats().inFlight < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    try {
      const turned = await Promise.all(Array.from({ length: 5 }, () => app.inject({ url: '/', headers: { accept: 'text/html' } })));
      expect(turned.map((r) => r.statusCode)).toEqual([503, 503, 503, 503, 503]);
      for (const r of turned) expect(ofRequest(r.headers['x-request-id'])).toEqual([]);
      // one line per interval (the five may straddle two of them)
      const counts = () => lines.filter((l) => l.msg === 'salle d’attente : requêtes renvoyées vers la page d’attente');
      const total = () => counts().reduce((sum, l) => sum + Number(l.turnedAway), 0);
      for (let i = 0; i < 300 && total() < 5; i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(total()).toBe(5);
      expect(counts().length).toBeLessThanOrEqual(2);
      expect(counts()[0]).toMatchObject({ everySeconds: 1, beforeFastify: 0 });
    } finally {
      openGate();
      await Promise.all(held);
    }
  });
});
