/**
 * The cost of the demo queue's job (src/demo/vehicle-queue.ts) in the process that runs it: wall
 * time, CPU time, and how late it makes the event loop (the longest turn a request would wait
 * behind), on a fresh demo database (PGlite, or PostgreSQL with DATABASE_URL).
 * Run alone: `npx tsx test/bench/demo-queue.ts`.
 */
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { seedDemoData } from '../../src/demo/seed.ts';
import { createDemoQueueHandler } from '../../src/demo/vehicle-queue.ts';
import { startClockAt } from '../../src/platform/time.ts';
import { createTestApp } from '../helpers/app.ts';

startClockAt('2026-12-01T10:00'); // the tests' clock: the demo data's dates
const t = await createTestApp({ DEMO_DATA: 'true' });
try {
  await seedDemoData(t.database.db, t.app.config);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  const cpu = process.cpuUsage();
  const started = performance.now();
  delay.enable();
  await createDemoQueueHandler({ db: t.database.db, config: t.app.config, attachments: t.app.attachments })({}, { jobId: 0, attempt: 1 });
  delay.disable();
  const used = process.cpuUsage(cpu);
  const ms = (ns: number) => Math.round(ns / 1e6);
  console.log(
    JSON.stringify({
      database: t.database.kind,
      wallMs: Math.round(performance.now() - started),
      cpuMs: Math.round((used.user + used.system) / 1000),
      loopDelayMaxMs: ms(delay.max),
      loopDelayP99Ms: ms(delay.percentile(99)),
      loopDelayP50Ms: ms(delay.percentile(50)),
      loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
    }),
  );
} finally {
  await t.close();
}
