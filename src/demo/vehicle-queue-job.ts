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

/** On a start with demo data: the job, unless the queue was already filled (or is being filled) in this database. One INSERT. */
export async function enqueueDemoVehicleQueue(db: Db): Promise<void> {
  await enqueue(db, DEMO_QUEUE_JOB, {}, { dedupeKey: DEMO_QUEUE_KEY });
}
