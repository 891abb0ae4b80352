import type { Profile } from '../../schema.ts';

/**
 * What each profile of the terms of use (§1.5) may do on the portal, as data (decision 0032). The
 * guard (profile-guard.tsx) refuses the spaces and the start of a procedure a profile does not have;
 * the account page and "Mes démarches" show only what it has.
 */
export const CAPABILITIES = ['vehicles', 'licences', 'pre_applications', 'town_hall_desk'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const PROFILE_CAPABILITIES: Record<Profile, readonly Capability[]> = {
  // a person: every procedure, for themself or with a mandate for someone else
  individual: ['vehicles', 'licences', 'pre_applications'],
  // SIV-habilitated professionals: vehicle registration for their clients and their stock (§1.11.4), professional use only (§1.10.2)
  automotive_professional: ['vehicles'],
  // driving schools: their students' licence registrations (§1.5), and their own vehicles
  driving_school: ['vehicles', 'licences'],
  // road-safety centres: their own vehicles; the attestation of a course goes to the préfecture, not through the portal
  road_safety_centre: ['vehicles'],
  // companies: their vehicles, and a licence request for an employee with a mandate ("pour quelqu'un d'autre")
  legal_entity: ['vehicles', 'licences'],
  // equipped town halls: the pre-applications desk and their documentation (§1.2), nothing else
  town_hall: ['town_hall_desk'],
};

export const may = (profile: Profile, capability: Capability): boolean => PROFILE_CAPABILITIES[profile].includes(capability);

export const CAPABILITY_LABELS: Record<Capability, { title: string; href: string }> = {
  vehicles: { title: 'Démarches de carte grise (changement d’adresse, cession, changement de titulaire, duplicata, demande complémentaire)', href: '/vehicules' },
  licences: { title: 'Demandes de permis de conduire', href: '/permis' },
  pre_applications: { title: 'Pré-demandes de carte d’identité et de passeport', href: '/pre-demandes' },
  town_hall_desk: { title: 'Recueil des pré-demandes et documentation des mairies', href: '/mairie/pre-demandes' },
};

/** The pages of each space and of starting its procedures: where the guard stands. */
export const GUARDED_PATHS: Record<Exclude<Capability, 'town_hall_desk'>, readonly string[]> = {
  vehicles: ['/vehicules', '/vehicules/demandes/nouvelle'],
  licences: ['/permis', '/permis/demandes/nouvelle'],
  pre_applications: ['/pre-demandes', '/pre-demandes/nouvelle'],
};

/** Where a profile goes instead of a space it does not have, when it has an equivalent (else: refused). */
export const INSTEAD: Partial<Record<Profile, Partial<Record<Capability, string>>>> = {
  town_hall: { pre_applications: '/mairie/pre-demandes' },
};

/** The capability a request path needs, if it is one of the guarded pages. */
export function capabilityOf(path: string): Capability | undefined {
  for (const [capability, paths] of Object.entries(GUARDED_PATHS) as [Capability, readonly string[]][]) if (paths.includes(path)) return capability;
  return undefined;
}
