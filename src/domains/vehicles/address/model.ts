/** The change of address in three steps, each at its own address: /vehicules/demandes/<file>/adresse/<slug>. */
export const ADDRESS_STEPS = ['address', 'summary', 'done'] as const;
export type AddressStep = (typeof ADDRESS_STEPS)[number];
export const ADDRESS_STEP_TITLES: Record<AddressStep, string> = { address: 'Nouvelle adresse', summary: 'Récapitulatif', done: 'Pour terminer' };
export const ADDRESS_STEP_SLUGS: Record<AddressStep, string> = { address: 'nouvelle-adresse', summary: 'recapitulatif', done: 'fin' };
export const addressStepOfSlug = (slug: string): AddressStep | undefined => ADDRESS_STEPS.find((s) => ADDRESS_STEP_SLUGS[s] === slug);

/** The fields of the address form, in its order (a draft keeps only these). */
export const ADDRESS_FIELDS = ['line1', 'line2', 'postcode', 'commune'] as const;

/** The first unfinished step: the form until an address is checked, the summary until filed, then the end. */
export function addressCurrentStep(filed: boolean, state: { step: string; proposed?: unknown }): AddressStep {
  if (filed) return 'done';
  return state.step === 'summary' && state.proposed ? 'summary' : 'address';
}

/** Whether a step can be shown: the form and, once an address is checked, the summary; once filed, only the end. */
export function addressCanShow(current: AddressStep, step: AddressStep): boolean {
  if (current === 'done') return step === 'done';
  return ADDRESS_STEPS.indexOf(step) <= ADDRESS_STEPS.indexOf(current);
}
