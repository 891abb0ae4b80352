import type { Db } from '../platform/db/database.ts';
import { enqueue } from '../platform/jobs/queue.ts';

/**
 * The job that fills the instruction centre's demo queue (src/demo/vehicle-queue.ts), apart so that
 * the server enqueues it without loading the domains' services before it listens.
 */
export const DEMO_QUEUE_JOB = 'demo-vehicle-queue';
/** The job's dedupe key: at most one such job ever exists in a database, done or not (the marker row). */
export const DEMO_QUEUE_KEY = 'demo-vehicle-queue';
/** The audit action written once the demo requests are filed. */
export const DEMO_QUEUE_FILLED = 'demo.vehicle_queue_filled';
/**
 * How long after the start the job runs: the first visitors of a new node are served before it
 * (its summary PDFs and first loads of the PDF libraries hold the event loop for a few hundred
 * milliseconds on a loaded machine), and still well before anyone has signed in as an agent.
 */
export const DEMO_QUEUE_DELAY_SECONDS = 10;

/**
 * On a start with demo data: the job, unless the queue was already filled (or is being filled) in
 * this database. One INSERT; due in DEMO_QUEUE_DELAY_SECONDS by the app clock, the one the
 * worker's claim reads (src/platform/jobs/queue.ts).
 */
export async function enqueueDemoVehicleQueue(db: Db): Promise<void> {
  await enqueue(db, DEMO_QUEUE_JOB, {}, { dedupeKey: DEMO_QUEUE_KEY, runAt: new Date(Date.now() + DEMO_QUEUE_DELAY_SECONDS * 1000) });
}
