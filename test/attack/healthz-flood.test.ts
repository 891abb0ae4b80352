import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../../src/config.ts';
import type { Database } from '../../src/platform/db/database.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';

/**
 * `/healthz` is always served, even by a full node (load balancers must see it alive). An anonymous
 * flood of it must not become a flood of database queries: the check is shared (health-probe.ts).
 */
describe('a flood of /healthz', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  let checks = 0;
  let databaseDown = false;
  beforeAll(async () => {
    database = await openTestDatabase();
    const counted: Database = {
      ...database,
      execScript: (script) => {
        if (script === 'select 1') {
          checks++;
          if (databaseDown) return Promise.reject(new Error('connection refused'));
        }
        return database.execScript(script);
      },
    };
    app = await buildApp(testConfig(), counted);
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('answers 300 probes sent at once with at most one database query per second', async () => {
    checks = 0;
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: 300 }, () => app.inject({ url: '/healthz', headers: { accept: 'application/json' } })));
    const seconds = (performance.now() - started) / 1000;
    expect(answers.map((a) => a.statusCode)).toEqual(Array(300).fill(200));
    expect(answers[299]!.json()).toEqual({ status: 'ok' });
    expect(checks).toBeGreaterThanOrEqual(1);
    expect(checks).toBeLessThanOrEqual(Math.ceil(seconds) + 1); // 300 before the shared check
  });

  it('still reports a database that stopped answering, within a second', async () => {
    databaseDown = true;
    try {
      await new Promise((r) => setTimeout(r, 1100)); // the last good answer is no longer fresh
      const res = await app.inject({ url: '/healthz', headers: { accept: 'application/json' } });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ status: 'unavailable' });
    } finally {
      databaseDown = false;
    }
  });
});
