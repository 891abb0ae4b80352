/**
 * The portal's one time field: a time of day as people write it in France — « 14h30 », « 14 h 30 »,
 * « 14H30 », « 14:30 », « 14h » (on the hour), « 9h05 » — read as hh:mm (« 14:30 », « 09:05 »).
 */
export type TimeReading = { ok: true; hhmm: string } | { ok: false; problem: 'empty' | 'format' | 'range' };

const TIME = /^(\d{1,2})\s*(?:[hH]\s*(\d{2})?|:\s*(\d{2}))$/;

export function readFrenchTime(text: string | undefined | null): TimeReading {
  const typed = (text ?? '').trim();
  if (!typed) return { ok: false, problem: 'empty' };
  const match = TIME.exec(typed);
  if (!match) return { ok: false, problem: 'format' };
  const hours = Number(match[1]);
  const minutes = Number(match[2] ?? match[3] ?? '0');
  if (hours > 23 || minutes > 59) return { ok: false, problem: 'range' };
  return { ok: true, hhmm: `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')}` };
}
