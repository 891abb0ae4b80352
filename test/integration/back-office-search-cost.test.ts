import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../../src/config.ts';
import { seedDemoData } from '../../src/demo/seed.ts';
import { TestClient } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { SqlRecorder } from '../helpers/sql-recorder.ts';

/**
 * What an agent's search costs the database (issue 20: a cheaper search is more searches in the
 * back office's time budget): the session, the agent (read once, by the back office's guard, the
 * header's name taken from it), and the queue's page with its unread counts in the same statement.
 */
const SEARCH_PAGE_BUDGET = 3;
/** the session's last_seen_at touched once a minute, the maintenance notices read once per 5 s: clock-driven, not counted */
const isTimed = (s: string) => /from "maintenance_notices"/.test(s) || /^update "sessions" set "last_seen_at" = \$1 where/.test(s);
/** The recorder also sees a subquery built apart (the queue's page of ids) on its own: it is part of the statement that holds it, not sent. */
const sent = (statements: string[]) => {
  const shape = (s: string) => s.replace(/\$\d+/g, '$'); // its parameters are numbered differently inside
  return statements.filter((s) => !statements.some((other) => other !== s && shape(other).includes(`(${shape(s)})`)));
};

describe('an agent’s search', () => {
  let database: TestDatabase;
  let app: FastifyInstance;
  const recorder = new SqlRecorder();
  beforeAll(async () => {
    database = await openTestDatabase();
    await seedDemoData(database.db, testConfig());
    // both pools recorded: the back office's searches run on its own (database.backOffice)
    const recorded = recorder.database(database);
    app = await buildApp(testConfig({ MAINTENANCE_CACHE_SECONDS: '5' }), { ...recorded, backOffice: recorder.wrap(database.backOffice) });
    await app.ready();
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it(`runs at most ${SEARCH_PAGE_BUDGET} SQL statements: the agent read once, the unread counts inside the queue's statement`, async () => {
    const agent = await signInAgent(new TestClient(app), 'agent.cert@example.fr');
    await agent.get('/agents/vehicules?q=martin');
    const statements = (
      await recorder.during(async () => {
        const page = await agent.get('/agents/vehicules?q=martin');
        expect(page.statusCode).toBe(200);
        expect(page.body).toContain('Agent du CERT (démo)'); // the header's name, from the agent the guard read
      })
    ).filter((s) => !isTimed(s));
    const queries = sent(statements);
    expect(queries.length, queries.join('\n')).toBeLessThanOrEqual(SEARCH_PAGE_BUDGET);
    expect(statements.filter((s) => /from "agents"/.test(s) && !/join "agents"/.test(s))).toHaveLength(1);
    expect(statements.filter((s) => /from "request_messages"/.test(s) && !/from "vehicle_procedures"/.test(s))).toEqual([]);
  });
});
