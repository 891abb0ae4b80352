import { audit, type Actor } from '../../platform/audit.ts';
import { parisDay } from '../../platform/time.ts';
import type { Account } from '../../schema.ts';
import type { Input, Outcome, PreApplicationDeps } from './deps.ts';
import { addressStep, documentStep, fieldErrors, identityStep, parentsStep, parseBirthDate, type PreApplicationData, type PreApplicationStep } from './model.ts';
import type { PreApplication } from './tables.ts';

export async function listPreApplications(deps: Pick<PreApplicationDeps, 'db'>, accountId: number): Promise<PreApplication[]> {
  return deps.db.selectFrom('pre_applications').selectAll().where('account_id', '=', accountId).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
}

/** The user's own pre-application, or null (someone else's id looks like an unknown one). */
export async function loadPreApplication(deps: Pick<PreApplicationDeps, 'db'>, accountId: number, id: number): Promise<PreApplication | null> {
  if (!Number.isSafeInteger(id)) return null;
  return (await deps.db.selectFrom('pre_applications').selectAll().where('id', '=', id).where('account_id', '=', accountId).executeTakeFirst()) ?? null;
}

/** Starts a draft; the same idempotency key (a double click) returns the same draft. */
export async function startPreApplication(deps: Pick<PreApplicationDeps, 'db'>, account: Account, idempotencyKey: string, actor: Actor): Promise<Outcome<{ id: number }>> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(idempotencyKey)) return { ok: false, errors: { form: 'Le formulaire a expiré : rechargez la page et recommencez.' } };
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('pre_applications')
      .values({ account_id: account.id, document: 'identity_card', status: 'draft', idempotency_key: idempotencyKey, data: JSON.stringify({}) })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (row) {
      await audit(trx, actor, 'pre_application.started', { kind: 'pre_application', id: row.id });
      return { ok: true, value: { id: row.id } } as const;
    }
    const existing = await trx.selectFrom('pre_applications').select('id').where('idempotency_key', '=', idempotencyKey).where('account_id', '=', account.id).executeTakeFirst();
    return existing ? ({ ok: true, value: { id: existing.id } } as const) : ({ ok: false, errors: { form: 'Le formulaire a expiré : rechargez la page et recommencez.' } } as const);
  });
}

/** Validates one step's answers and keeps them; the draft moves on to the next step. */
export async function saveStep(deps: Pick<PreApplicationDeps, 'db'>, p: PreApplication, step: Exclude<PreApplicationStep, 'summary'>, input: Input): Promise<Outcome<null>> {
  if (p.status !== 'draft') return { ok: false, errors: { form: 'Cette pré-demande est déjà validée : elle ne peut plus être modifiée.' } };
  const today = parisDay(new Date());
  let patch: Partial<PreApplicationData>;
  let document = p.document;
  if (step === 'document') {
    const r = documentStep.safeParse(input);
    if (!r.success) return { ok: false, errors: fieldErrors(r.error) };
    document = r.data.document;
    patch = { forWhom: r.data.forWhom, reason: r.data.reason };
  } else if (step === 'identity') {
    const r = identityStep.safeParse(input);
    const birth = parseBirthDate(input.birthDate, today);
    const errors = r.success ? {} : fieldErrors(r.error);
    if (!birth.ok) errors.birthDate = birth.error;
    if (!r.success || !birth.ok) return { ok: false, errors: orderErrors(errors, ['sex', 'birthName', 'usageName', 'givenNames', 'birthDate', 'birthPlace', 'birthCountry']) };
    patch = { ...r.data, birthDate: birth.date };
  } else if (step === 'parents') {
    const r = parentsStep.safeParse(input);
    if (!r.success) return { ok: false, errors: fieldErrors(r.error) };
    if (!!r.data.parent2Name !== !!r.data.parent2GivenNames)
      return { ok: false, errors: { [r.data.parent2Name ? 'parent2GivenNames' : 'parent2Name']: 'Saisissez le nom et les prénoms du second parent, ou laissez les deux champs vides' } };
    patch = r.data;
  } else {
    const r = addressStep.safeParse(input);
    if (!r.success) return { ok: false, errors: fieldErrors(r.error) };
    patch = r.data;
  }
  const data = { ...p.data, ...patch };
  await deps.db.updateTable('pre_applications').set({ document, data: JSON.stringify(data), updated_at: new Date() }).where('id', '=', p.id).where('status', '=', 'draft').execute();
  return { ok: true, value: null };
}

/** The errors in the order of the form's fields (the summary at the top follows the page). */
function orderErrors(errors: Record<string, string>, order: string[]): Record<string, string> {
  return Object.fromEntries([...order, ...Object.keys(errors)].filter((k, i, all) => errors[k] && all.indexOf(k) === i).map((k) => [k, errors[k]!]));
}
