import { z } from 'zod';

/**
 * One way to type a date on every form of the portal (issue 16): a text field JJ/MM/AAAA, read by
 * one parser whose French errors name the field. "3/2/1985", "03-02-1985", "03.02.1985" and
 * "03 02 1985" are read too, and so is the ISO "1985-02-03" (what an API client or an older page
 * with a date picker sends). The value stored is always the ISO date.
 */
export type DateReading = { ok: true; iso: string } | { ok: false; problem: 'empty' | 'format' | 'unreal' };

export function readFrenchDate(raw: string | undefined | null): DateReading {
  const v = (raw ?? '').trim();
  if (!v) return { ok: false, problem: 'empty' };
  let y: number, m: number, d: number;
  const fr = /^(\d{1,2})\s*[/.\-\s]\s*(\d{1,2})\s*[/.\-\s]\s*(\d{4})$/.exec(v);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (fr) [d, m, y] = [Number(fr[1]), Number(fr[2]), Number(fr[3])];
  else if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else return { ok: false, problem: 'format' };
  const calendar = new Date(Date.UTC(y, m - 1, d));
  if (y < 1000 || m < 1 || m > 12 || calendar.getUTCMonth() !== m - 1 || calendar.getUTCDate() !== d) return { ok: false, problem: 'unreal' };
  return { ok: true, iso: `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}` };
}

/** "1985-02-03" → "03/02/1985" (what the field shows again); anything else is shown as typed. */
export function toFrenchDate(value: string | undefined | null): string {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec((value ?? '').trim());
  return iso ? `${iso[3]}/${iso[2]}/${iso[1]}` : (value ?? '');
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The French message for a date field, naming it: `what` is the field as a sentence says it
 * ("la date de naissance de l’acheteur"), `example` a plausible value for it.
 */
export function dateProblemMessage(problem: 'empty' | 'format' | 'unreal', what: string, example = '03/02/1985'): string {
  if (problem === 'empty') return `Saisissez ${what}`;
  if (problem === 'format') return `Saisissez ${what} au format JJ/MM/AAAA, par exemple ${example}`;
  return `${capitalise(what)} n’existe pas : vérifiez le jour et le mois (format JJ/MM/AAAA, par exemple ${example})`;
}

/** A required date field in a zod schema: JJ/MM/AAAA in, ISO out, each problem named in French. */
export function frenchDate(what: string, example?: string) {
  return z.string({ error: dateProblemMessage('empty', what, example) }).transform((raw, ctx) => {
    const reading = readFrenchDate(raw);
    if (reading.ok) return reading.iso;
    ctx.addIssue({ code: 'custom', message: dateProblemMessage(reading.problem, what, example) });
    return z.NEVER;
  });
}

/** The same, when the field may stay empty: an empty field is undefined. */
export function optionalFrenchDate(what: string, example?: string) {
  return z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const reading = readFrenchDate(raw);
      if (reading.ok) return reading.iso;
      if (reading.problem === 'empty') return undefined;
      ctx.addIssue({ code: 'custom', message: dateProblemMessage(reading.problem, what, example) });
      return z.NEVER;
    });
}
