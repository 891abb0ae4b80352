import type { Db } from '../db/database.ts';
import { enqueue } from '../jobs/queue.ts';
import type { JobHandler } from '../jobs/worker.ts';
import { letterPdf } from '../pdf/letter.ts';

export const PRODUCE_LETTER_JOB = 'produce-letter';

/** Queues a postal letter in the caller's transaction; a job produces its PDF and records it as sent. */
export async function queueLetter(db: Db, letter: { recipient: string[]; subject: string; body: string; vehicleId?: number }): Promise<number> {
  const row = await db
    .insertInto('postal_letters')
    .values({ recipient_lines: JSON.stringify(letter.recipient), subject: letter.subject, body: letter.body, vehicle_id: letter.vehicleId ?? null })
    .returning('id')
    .executeTakeFirstOrThrow();
  await enqueue(db, PRODUCE_LETTER_JOB, { letterId: row.id }, { dedupeKey: `letter-${row.id}` });
  return row.id;
}

/**
 * Produces the letter's PDF and records it as sent. In production the PDF goes to the mail
 * house from here (not connected yet: see docs/operations.md); in the embedded mode it is
 * readable in the dev outbox.
 */
export function createProduceLetterHandler(db: Db): JobHandler {
  return async (payload) => {
    const { letterId } = payload as { letterId: number };
    const letter = await db.selectFrom('postal_letters').selectAll().where('id', '=', letterId).executeTakeFirst();
    if (!letter || letter.status === 'sent') return;
    const pdf = await letterPdf({ recipient: letter.recipient_lines as unknown as string[], subject: letter.subject, body: letter.body, date: letter.created_at });
    await db.updateTable('postal_letters').set({ pdf, status: 'sent', sent_at: new Date() }).where('id', '=', letterId).execute();
  };
}
