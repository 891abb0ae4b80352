import { z } from 'zod';
import { optionalFrenchDate } from '../../../platform/french-date.ts';
import { plausibleBirthDate, sameName } from '../procedures/model.ts';
import type { VehicleHolder } from '../tables.ts';

/**
 * The confidential code's rules. A procedure that needs it waits in `awaiting_code` until the code
 * is entered (the `code_verified` transition of procedures/model.ts). A new code is sent to the
 * holder only — by letter, at most one a month, and by email to the holder's own account — after
 * the requester has given the holder's identity as the registry knows it. Wrong codes and wrong
 * identities cost the guesser (procedures/guess-limits.ts); the code itself: code.ts.
 */

/** How long the code before a reissue asked by someone not proven the holder stays valid (until the new one is used). */
export const PREVIOUS_CODE_DAYS = 30;

/** What "Demander un nouveau code" asks: the holder's identity, checked against the registry. */
export const codeRequestSchema = z.object({
  birth_name: z.string({ error: 'Saisissez le nom de naissance du titulaire' }).trim().min(1, 'Saisissez le nom de naissance du titulaire (ou la raison sociale)').max(100),
  given_names: z.string().trim().max(100).optional(),
  birth_date: optionalFrenchDate('la date de naissance du titulaire').superRefine((d, ctx) => (d ? plausibleBirthDate(d, ctx) : undefined)),
  birth_place: z.string().trim().max(100).optional(),
});
export type CodeRequest = z.infer<typeof codeRequestSchema>;

/** A natural person's identity needs every field; a legal person only its name. */
export function missingIdentityFields(d: CodeRequest): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!d.given_names) errors.given_names = 'Saisissez le premier prénom du titulaire';
  if (!d.birth_date) errors.birth_date = 'Saisissez la date de naissance du titulaire';
  if (!d.birth_place) errors.birth_place = 'Saisissez la commune de naissance du titulaire';
  return errors;
}

/** Whether the identity given is the registered holder's (first given names only; a company by its name). */
export const isHolderIdentity = (d: CodeRequest, holder: VehicleHolder): boolean =>
  holder.kind === 'natural'
    ? sameName(d.birth_name, holder.birth_name) &&
      sameName(d.given_names!.split(' ')[0]!, holder.given_names!.split(' ')[0]!) &&
      d.birth_date === holder.birth_date?.toISOString().slice(0, 10) &&
      sameName(d.birth_place ?? '', holder.birth_place)
    : sameName(d.birth_name, holder.company_name);
