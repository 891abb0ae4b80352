import type { Db } from '../../../platform/db/database.ts';
import type { Account } from '../../../schema.ts';
import { sameName } from '../procedures/model.ts';
import type { Declaration } from '../sale/model.ts';
import type { VehicleHolder } from '../tables.ts';

/**
 * Who is the holder, as far as the portal can tell (issue 14, docs/security.md "ownership model").
 *
 * - `proven`: the account is the holder's own and its identity is certified — a FranceConnect
 *   identity equal to the holder's (birth name, given names, birth date), a registry record linked
 *   to this certified account, or for a legal person a habilitated professional account whose
 *   (checked) SIREN is the holder's. Such an account needs no confidential code for itself, may
 *   receive a new code by email, and may read the vehicle's status before any code.
 * - `declared`: the registry links the holder to this account, or the SIREN the account declared is
 *   the holder's, but the account is not certified: its identity is only declared. "Pour
 *   moi-même" is allowed, the code is still required, and a new code travels by letter only.
 * - `null`: somebody else. "Pour moi-même" is refused; "pour quelqu'un d'autre" needs the code,
 *   which goes to the holder only.
 */
export type HolderLink = 'proven' | 'declared' | null;

/** Accents, case and apostrophes aside; hyphens kept (Jean-Baptiste is one given name). Surnames: `sameName` (model.ts). */
const norm = (s: string | null | undefined): string =>
  (s ?? '').normalize('NFD').replace(/[\u0300-\u036f]/g, '').toUpperCase().replace(/['’]/g, ' ').replace(/\s+/g, ' ').trim();

/** Given names: all of them when both sides list several; the first when one side has only one. */
export function sameGivenNames(a: string | null | undefined, b: string | null | undefined): boolean {
  const [x, y] = [norm(a).split(' ').filter(Boolean), norm(b).split(' ').filter(Boolean)];
  if (!x.length || !y.length) return false;
  if (x.length > 1 && y.length > 1) return x.join(' ') === y.join(' ');
  return x[0] === y[0];
}

export interface PersonIdentity {
  birthName: string | null;
  givenNames: string | null;
  birthDate: string | null;
}

/** A FranceConnect pivot identity against a person's identity (a presumed date such as 1992-11-00 never matches). */
export function pivotMatches(fc: { family_name: string; given_name: string; birthdate: string }, person: PersonIdentity): boolean {
  const presumed = !/^\d{4}-\d{2}-\d{2}$/.test(fc.birthdate) || /-00/.test(fc.birthdate);
  return sameName(fc.family_name, person.birthName) && sameGivenNames(fc.given_name, person.givenNames) && !presumed && fc.birthdate === person.birthDate;
}

const sirenOf = (account: Account): string | null => (account.siret && /^\d{14}$/.test(account.siret) ? account.siret.slice(0, 9) : null);

/** Is the SIREN of this account checked by the agency (a validated SIV habilitation for it)? */
async function sirenChecked(db: Db, account: Account): Promise<boolean> {
  if (account.profile !== 'automotive_professional' || !account.certified || !account.siret) return false;
  const row = await db.selectFrom('siv_habilitations').select('id').where('account_id', '=', account.id).where('siret', '=', account.siret).where('status', '=', 'validated').executeTakeFirst();
  return !!row;
}

const franceConnectIdentity = (db: Db, account: Account) =>
  account.certified ? db.selectFrom('franceconnect_identities').select(['family_name', 'given_name', 'birthdate']).where('account_id', '=', account.id).executeTakeFirst() : Promise.resolve(undefined);

export async function holderLink(db: Db, account: Account, holder: VehicleHolder): Promise<HolderLink> {
  if (holder.kind === 'natural') {
    const fc = await franceConnectIdentity(db, account);
    if (fc && pivotMatches(fc, { birthName: holder.birth_name, givenNames: holder.given_names, birthDate: holder.birth_date?.toISOString().slice(0, 10) ?? null })) return 'proven';
    if (holder.account_id === account.id) return account.certified ? 'proven' : 'declared';
    return null;
  }
  if (holder.account_id === account.id) return account.certified ? 'proven' : 'declared';
  const siren = sirenOf(account);
  if (siren && holder.siren === siren) return (await sirenChecked(db, account)) ? 'proven' : 'declared';
  return null;
}

/**
 * The holder's own account, for the limits on guesses: linked by the registry, or proven. A SIREN
 * that an account only declared does not count (anyone can declare a company's SIRET).
 */
export async function isOwnAccount(db: Db, account: Account, holder: VehicleHolder): Promise<boolean> {
  return holder.account_id === account.id || (await holderLink(db, account, holder)) === 'proven';
}

/**
 * Is the signed-in person the buyer the seller declared? A person: their FranceConnect identity
 * (birth name, given names, birth date). A company: the account's SIREN — `proven` only when the
 * agency checked it (habilitated professional), `declared` when the account only declared it.
 */
export async function buyerLink(db: Db, account: Account, buyer: Declaration): Promise<HolderLink> {
  if (buyer.buyer_kind === 'natural') {
    const fc = await franceConnectIdentity(db, account);
    return fc && pivotMatches(fc, { birthName: buyer.buyer_birth_name ?? null, givenNames: buyer.buyer_given_names ?? null, birthDate: buyer.buyer_birth_date ?? null }) ? 'proven' : null;
  }
  const siren = sirenOf(account);
  if (!siren || (buyer.buyer_siren ?? '').replace(/\s/g, '') !== siren) return null;
  return (await sirenChecked(db, account)) ? 'proven' : 'declared';
}

/** The new holder typed in a change of holder: a person, or a company. */
export type NewHolderIdentity = ({ kind: 'natural' } & PersonIdentity) | { kind: 'legal'; companyName: string; siren: string };
export type DeclaredBuyerField = 'birth_name' | 'given_names' | 'birth_date' | 'company_name' | 'siren';

/** A company's name, spelling aside: accents, case, dots (S.A.R.L. is SARL) and other punctuation. */
const companyName = (s: string | null | undefined): string => norm((s ?? '').replace(/\./g, '')).replace(/[^A-Z0-9]+/g, ' ').trim();

/**
 * The fields on which the new holder of a change of holder differs from the buyer the seller
 * declared: a person's birth name, given names and birth date; a company's SIREN and name. A holder
 * of the other kind than the declared buyer differs on every field of the buyer's kind.
 */
export function declaredBuyerMismatches(buyer: Declaration, holder: NewHolderIdentity): DeclaredBuyerField[] {
  if (buyer.buyer_kind === 'natural') {
    if (holder.kind !== 'natural') return ['birth_name', 'given_names', 'birth_date'];
    const wrong: DeclaredBuyerField[] = [];
    if (!sameName(buyer.buyer_birth_name ?? null, holder.birthName)) wrong.push('birth_name');
    if (!sameGivenNames(buyer.buyer_given_names, holder.givenNames)) wrong.push('given_names');
    if (!buyer.buyer_birth_date || buyer.buyer_birth_date !== holder.birthDate) wrong.push('birth_date');
    return wrong;
  }
  if (holder.kind !== 'legal') return ['company_name', 'siren'];
  const wrong: DeclaredBuyerField[] = [];
  if (!companyName(buyer.buyer_company_name) || companyName(buyer.buyer_company_name) !== companyName(holder.companyName)) wrong.push('company_name');
  const siren = (buyer.buyer_siren ?? '').replace(/\s/g, '');
  if (!siren || siren !== holder.siren.replace(/\s/g, '')) wrong.push('siren');
  return wrong;
}

export const isDeclaredBuyer = (buyer: Declaration, holder: NewHolderIdentity): boolean => declaredBuyerMismatches(buyer, holder).length === 0;

/**
 * The one answer to a start that cannot go on before any proof — no such plate, not the holder's
 * "pour moi-même" — so that nothing about a vehicle (its existence in the registry aside from a
 * successful start, its holder, a sale or an opposition) can be read by trying plates.
 */
export const NOT_AVAILABLE =
  'Nous ne pouvons pas commencer cette démarche avec ce numéro d’immatriculation. Vérifiez-le sur la carte grise (repère A). Si le véhicule n’est pas à votre nom, choisissez « Pour quelqu’un d’autre » : le code confidentiel du véhicule vous sera demandé, et un nouveau code ne peut être envoyé qu’au titulaire.';

/** The database refused a second open procedure of this kind on the vehicle (unique index of 0014). */
export function isOpenSlotTaken(error: unknown): boolean {
  const e = error as { code?: string; constraint?: string; message?: string } | null;
  return !!e && (e.code === '23505' || /duplicate key/.test(e.message ?? '')) && /vehicle_procedures_one_open/.test(`${e.constraint ?? ''} ${e.message ?? ''}`);
}

export const alreadyOpen = (label: string): string =>
  `Une démarche « ${label} » est déjà en cours pour ce véhicule : elle doit être terminée ou abandonnée avant qu’une autre commence. Si c’est la vôtre, reprenez-la depuis « Mon espace véhicule ».`;

/** The same, when the procedure in progress is the account's own (the page links to it). */
export const alreadyOpenOwn = (label: string, fileNumber: string): string =>
  `Une démarche « ${label} » est déjà en cours pour ce véhicule : votre dossier ${fileNumber}. Reprenez-la, ou abandonnez-la avant d’en commencer une autre.`;

/**
 * A change of holder is the new holder's procedure: the current holder's own account (linked by
 * the registry, or whose identity matches the holder's) cannot start one on the vehicle, for
 * themself or for someone else — they declare the sale instead. One exception: a habilitated
 * automotive professional acting for a client ("pour quelqu'un d'autre") registers in the client's
 * name a vehicle of its own stock, which is its trade (decision 0027).
 */
export function holderChangeRefusal(account: Pick<Account, 'profile' | 'certified'>, link: HolderLink, initiator: 'self' | 'other'): string | null {
  if (!link) return null;
  if (initiator === 'other' && account.profile === 'automotive_professional' && account.certified) return null;
  return 'Vous êtes le titulaire actuel de ce véhicule : le changement de titulaire est demandé par le nouveau titulaire, avec le code de cession que vous lui remettez. Pour vendre votre véhicule, choisissez « Déclaration de cession ».';
}
