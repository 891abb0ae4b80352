import { STEPS, type PreApplicationStep } from './model.ts';
import type { PreApplication } from './tables.ts';

/** Which steps are filled in: a step can be opened once every step before it is complete. */
export function completeSteps(p: PreApplication): Set<PreApplicationStep> {
  const d = p.data;
  const done = new Set<PreApplicationStep>();
  if (d.forWhom && d.reason) done.add('document');
  if (d.sex && d.birthName && d.givenNames && d.birthDate && d.birthPlace && d.birthCountry) done.add('identity');
  if (d.parent1Name && d.parent1GivenNames) done.add('parents');
  if (d.line1 && d.postcode && d.commune && d.heightCm && d.eyes) done.add('address');
  return done;
}
export function firstIncompleteStep(p: PreApplication): PreApplicationStep {
  const done = completeSteps(p);
  return STEPS.find((s) => !done.has(s)) ?? 'summary';
}
export const canOpenStep = (p: PreApplication, step: PreApplicationStep): boolean => STEPS.indexOf(step) <= STEPS.indexOf(firstIncompleteStep(p));
