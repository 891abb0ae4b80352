import type { ProcedureKind } from '../tables.ts';

/**
 * "Téléprocédures : les éléments nécessaires" — the table of the agency's training slides, as data.
 * For each procedure, account kind and initiator: what the portal requires. `null` means the
 * procedure is not open to that account kind (change of holder: certified accounts only).
 */
export type AccountKind = 'ants' | 'certified';
export type Initiator = 'self' | 'other';

export interface Requirements {
  plate: boolean;
  confidentialCode: boolean;
  cardPayment: boolean;
  /** code de cession, or else the certificate number (SIV) / certificate date (FNI) */
  cessionCode: boolean;
}

const r = (plate: boolean, confidentialCode: boolean, cardPayment: boolean, cessionCode: boolean): Requirements => ({
  plate,
  confidentialCode,
  cardPayment,
  cessionCode,
});
const OUI = true;
const NON = false;

export const REQUIREMENTS: Record<ProcedureKind, Record<AccountKind, Record<Initiator, Requirements> | null>> = {
  duplicate: {
    ants: { self: r(OUI, OUI, OUI, NON), other: r(OUI, OUI, OUI, NON) },
    certified: { self: r(OUI, NON, OUI, NON), other: r(OUI, OUI, OUI, NON) },
  },
  address_change: {
    ants: { self: r(OUI, OUI, OUI, NON), other: r(OUI, OUI, OUI, NON) },
    certified: { self: r(OUI, NON, OUI, NON), other: r(OUI, OUI, OUI, NON) },
  },
  sale_declaration: {
    ants: { self: r(OUI, OUI, NON, NON), other: r(OUI, OUI, NON, NON) },
    certified: { self: r(OUI, NON, NON, NON), other: r(OUI, OUI, NON, NON) },
  },
  holder_change: {
    ants: null,
    certified: { self: r(OUI, NON, OUI, OUI), other: r(OUI, NON, OUI, OUI) },
  },
  // "Pour effectuer une TPC, il faut un compte ANTS certifié" — the plate, when there is one, is asked in part 1.
  complementary: {
    ants: null,
    certified: { self: r(NON, NON, NON, NON), other: r(NON, NON, NON, NON) },
  },
};

export function requirementsFor(kind: ProcedureKind, account: AccountKind, initiator: Initiator): Requirements | null {
  return REQUIREMENTS[kind][account]?.[initiator] ?? null;
}

export const PROCEDURE_LABELS: Record<ProcedureKind, string> = {
  address_change: 'Changement d’adresse',
  duplicate: 'Demande de duplicata',
  sale_declaration: 'Déclaration de cession',
  holder_change: 'Changement de titulaire',
  complementary: 'Téléprocédure complémentaire (autre demande)',
};

/**
 * How a new confidential code travels. The slide ("mode d'acheminement") sends it by email to
 * whoever asks "pour moi-même", and to a habilitated professional in every case; issue 14 and
 * decision 0014 narrow that: the code goes to the holder only — by letter to the holder's address on
 * the certificate (for a long-term lease, the previous title's shipping address), and by email only
 * to the holder's own account when that account's identity is certified (`proven`). An account that
 * is the holder's but only declared so (`declared`: uncertified) gets an email saying a letter is on
 * its way; anybody else gets no email at all.
 */
export interface CodeDelivery {
  email: 'code' | 'notice' | null;
  letter: 'holder_address' | 'previous_title_address';
}

export function codeDelivery(opts: { link: 'proven' | 'declared' | null; longTermLease: boolean }): CodeDelivery {
  const email = opts.link === 'proven' ? 'code' : opts.link === 'declared' ? 'notice' : null;
  return { email, letter: opts.longTermLease ? 'previous_title_address' : 'holder_address' };
}
