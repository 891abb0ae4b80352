import { describe, expect, it } from 'vitest';
import { DEMO_QUEUE_DELAY_SECONDS, DEMO_QUEUE_FILLED, DEMO_QUEUE_JOB, enqueueDemoVehicleQueue } from '../../src/demo/vehicle-queue-job.ts';
import { createDemoQueueHandler, demoQueueVehicles } from '../../src/demo/vehicle-queue.ts';
import { startProcedure } from '../../src/domains/vehicles/procedures/start.ts';
import { sealAuditEvents, verifyAuditChain } from '../../src/platform/audit.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';

/**
 * The instruction centre's demo queue (src/demo/vehicle-queue.ts): on a start with demo data the
 * server enqueues one job, which files six requests through the domain services, with real files.
 */
describe('demo queue of the instruction centre', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app), { DEMO_DATA: 'true' });

  const requests = () =>
    t.database.db
      .selectFrom('vehicle_procedures')
      .innerJoin('accounts', 'accounts.id', 'vehicle_procedures.account_id')
      .select(['vehicle_procedures.file_number', 'vehicle_procedures.kind', 'vehicle_procedures.status', 'vehicle_procedures.assigned_agent_id', 'vehicle_procedures.idempotency_key', 'accounts.email'])
      .where('vehicle_procedures.idempotency_key', 'like', 'demo-file-%')
      .orderBy('vehicle_procedures.idempotency_key')
      .execute();

  it('files six requests once, however often the job is enqueued and run; an agent sees them and opens their documents', async () => {
    const db = t.database.db;
    expect(await requests()).toEqual([]); // the demo template holds no request: they carry files
    await enqueueDemoVehicleQueue(db);
    await enqueueDemoVehicleQueue(db); // a second start before the worker ran: still one job
    expect(await db.selectFrom('jobs').select('id').where('kind', '=', DEMO_QUEUE_JOB).execute()).toHaveLength(1);
    // due a few seconds after the start: the first visitors of the node are served first
    await t.app.worker.drain();
    expect(await requests()).toEqual([]);
    // jobs are due by the app clock (src/platform/jobs/queue.ts), never the database's now(): on
    // PostgreSQL that is the real time, and on PGlite it may carry microseconds the app's Date has not reached
    const { run_at: runAt } = await db.selectFrom('jobs').select('run_at').where('kind', '=', DEMO_QUEUE_JOB).executeTakeFirstOrThrow();
    const dueInSeconds = (runAt.getTime() - Date.now()) / 1000;
    expect(dueInSeconds).toBeGreaterThan(DEMO_QUEUE_DELAY_SECONDS - 5);
    expect(dueInSeconds).toBeLessThanOrEqual(DEMO_QUEUE_DELAY_SECONDS);
    await db.updateTable('jobs').set({ run_at: new Date(Date.now() - 1000) }).where('kind', '=', DEMO_QUEUE_JOB).execute(); // the delay over
    await t.app.worker.drain();
    const job = await db.selectFrom('jobs').select(['done_at', 'failed_at', 'last_error']).where('kind', '=', DEMO_QUEUE_JOB).executeTakeFirstOrThrow();
    expect(job.last_error).toBeNull();
    expect(job.done_at).not.toBeNull();

    const filed = await requests();
    const cert = await db.selectFrom('agents').select('id').where('email', '=', 'agent.cert@example.fr').executeTakeFirstOrThrow();
    expect(filed.map((r) => [r.idempotency_key, r.kind, r.status, r.email, r.assigned_agent_id === cert.id])).toEqual([
      ['demo-file-1', 'duplicate', 'awaiting_review', 'demo.particulier@example.fr', false],
      ['demo-file-2', 'duplicate', 'awaiting_review', 'demo.garage@example.fr', false],
      ['demo-file-3', 'duplicate', 'to_complete', 'demo.particulier@example.fr', true],
      ['demo-file-4', 'complementary', 'awaiting_review', 'demo.garage@example.fr', false],
      ['demo-file-5', 'complementary', 'awaiting_review', 'demo.garage@example.fr', false],
      ['demo-file-6', 'complementary', 'awaiting_review', 'demo.garage@example.fr', true],
    ]);
    // every file stored, recognised from its bytes, readable from the storage
    const ids = await db.selectFrom('vehicle_procedures').select('id').where('idempotency_key', 'like', 'demo-file-%').execute();
    const pieces = await db.selectFrom('attachments').selectAll().where('owner_kind', '=', 'vehicle_procedure').where('owner_id', 'in', ids.map((r) => r.id)).execute();
    expect(pieces.length).toBe(1 + 1 + 1 + 4 + 4 + 3);
    for (const piece of pieces) expect((await t.app.attachments.bytes(piece)).length).toBe(piece.size_bytes);
    expect(new Set(pieces.map((p) => p.mime))).toEqual(new Set(['application/pdf', 'image/png']));
    // the refused pieces and the messages of the requests with a complement asked
    expect(pieces.filter((p) => p.review_status === 'refused').map((p) => [p.purpose, p.review_reason])).toEqual([
      ['police_report', 'illisible'],
      ['mandate_13757', 'incomplet'],
    ]);
    const audited = await db.selectFrom('audit_events').select(['actor_kind', 'details']).where('action', '=', DEMO_QUEUE_FILLED).execute();
    expect(audited).toEqual([{ actor_kind: 'system', details: { file_numbers: filed.map((r) => r.file_number) } }]);

    // the job run again (a restart, a retry): nothing filed twice, no second audit row
    await createDemoQueueHandler({ db, config: t.app.config, attachments: t.app.attachments, pauseMs: 0 })({}, { jobId: 0, attempt: 2 });
    expect(await requests()).toEqual(filed);
    expect(await db.selectFrom('attachments').select('id').where('owner_kind', '=', 'vehicle_procedure').where('owner_id', 'in', ids.map((r) => r.id)).execute()).toHaveLength(pieces.length);
    expect(await db.selectFrom('audit_events').select('id').where('action', '=', DEMO_QUEUE_FILLED).execute()).toHaveLength(1);
    await enqueueDemoVehicleQueue(db); // a later start: the marker row is there, no new job
    expect(await db.selectFrom('jobs').select('id').where('kind', '=', DEMO_QUEUE_JOB).execute()).toHaveLength(1);
    await sealAuditEvents(db);
    expect((await verifyAuditChain(db)).ok).toBe(true);

    // agent.cert's queue shows the waiting ones; each request's pieces open in the browser
    const agent = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    const queue = textOf((await agent.get('/agents/vehicules')).body);
    for (const r of filed.filter((r) => r.status === 'awaiting_review')) expect(queue).toContain(r.file_number);
    expect(queue).not.toContain(filed[2]!.file_number); // "À compléter" is another queue
    expect(textOf((await agent.get('/agents/vehicules?statut=to_complete')).body)).toContain(filed[2]!.file_number);
    const urgent = await agent.get(`/agents/vehicules/${filed[1]!.file_number}`);
    expect(textOf(urgent.body)).toContain('Urgent : le véhicule de notre client');
    const link = /href="(\/agents\/vehicules\/[^"]+\/pieces\/\d+)"/.exec(urgent.body);
    expect(link, 'a link to the police report').not.toBeNull();
    const pdf = await agent.get(link![1]!);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const tpc = await agent.get(`/agents/vehicules/${filed[3]!.file_number}`);
    expect(textOf(tpc.body)).toContain('Voici le mandat signé par notre client.');
  });

  it('resumes a request stopped half-way (a crash after its start): it is finished, not filed again', async () => {
    const db = t.database.db;
    const camille = await db.selectFrom('accounts').selectAll().where('email', '=', 'demo.particulier@example.fr').executeTakeFirstOrThrow();
    const first = demoQueueVehicles().people[0]!;
    // the first request as a crashed run left it: started, code not entered yet
    const started = await startProcedure({ db }, camille, { kind: 'duplicate', initiator: 'other', plate: first.plate, idempotency_key: 'demo-file-1' }, { kind: 'user', id: camille.id, ip: null });
    expect(started.ok).toBe(true);
    await createDemoQueueHandler({ db, config: t.app.config, attachments: t.app.attachments, pauseMs: 0 })({}, { jobId: 0, attempt: 1 });
    const filed = await requests();
    expect(filed).toHaveLength(6);
    expect(filed[0]).toMatchObject({ file_number: started.ok ? started.value.fileNumber : '', status: 'awaiting_review' });
    expect(await db.selectFrom('vehicle_procedures').select('id').where('account_id', '=', camille.id).execute()).toHaveLength(2);
  });


  it('files nothing in a database without the demo data (a job left by an earlier start): done, not failed', async () => {
    await t.database.reset();
    await createDemoQueueHandler({ db: t.database.db, config: t.app.config, attachments: t.app.attachments, pauseMs: 0 })({}, { jobId: 0, attempt: 1 });
    expect(await t.database.db.selectFrom('vehicle_procedures').select('id').execute()).toEqual([]);
    expect(await t.database.db.selectFrom('audit_events').select('id').where('action', '=', DEMO_QUEUE_FILLED).execute()).toEqual([]);
  });
});
