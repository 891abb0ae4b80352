import type { Config } from '../../../config.ts';
import { audit, SYSTEM, type Actor } from '../../../platform/audit.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { Account } from '../../../schema.ts';
import { addressBlock } from '../../../platform/letters/address.ts';
import { queueLetter } from '../../../platform/letters/letters.ts';
import type { Outcome } from '../../accounts/service.ts';
import { checkAddress, type PostalAddress } from '../registry/communes.ts';
import { issueSummary } from '../procedures/issued-documents.ts';
import { issueNewCertificate, newSivPlate } from '../registry/new-certificate.ts';
import { closeAsSold, lockUnsold, refuseIfSold, REFUSED_ONCE_SOLD, soldRefusal } from '../registry/sold.ts';
import { applyTransition, TransitionRefused, refusedAsFalse } from '../procedures/transitions.ts';
import type { VehicleProcedure } from '../tables.ts';
import type { TaxService } from '../taxes/service.ts';
import { issuesCertificate, type TaxLine } from '../taxes/model.ts';
import { ADDRESS_FIELDS } from './model.ts';
import { saveStepData } from '../procedures/step-data.ts';

const SOLD = { ok: false as const, errors: { form: REFUSED_ONCE_SOLD.address_change } };
const CHANGED = { ok: false as const, errors: { form: 'Cette demande a changé entre-temps : rechargez la page.' } };

export interface AddressState {
  step: 'address' | 'summary' | 'done';
  proposed?: PostalAddress;
  corrected?: boolean;
  previous?: string[];
  /** what was last typed on the address form when it was refused (not checked) */
  draft?: Record<string, string>;
  outcome?: 'label' | 'certificate';
}

/**
 * Change of address: the new address checked against the commune reference and normalised to the
 * postal norm; the 1st to 3rd change since SIV registration sends a free label, the 4th (or an FNI
 * certificate) makes a new certificate — paid (delivery), with a CPI — and restarts the cycle.
 */
export function createAddressService(deps: { db: Db; config: Config; taxes: TaxService }) {
  const { db } = deps;

  async function load(account: Account, fileNumber: string) {
    const p = await db.selectFrom('vehicle_procedures').selectAll().where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst();
    return p && p.kind === 'address_change' && ['in_progress', 'awaiting_payment', 'completed'].includes(p.status) ? p : null;
  }
  const stateOf = (p: VehicleProcedure): AddressState => ((p.data as { address?: AddressState }).address ?? { step: 'address' });
  const dataWith = (p: VehicleProcedure, address: AddressState) => JSON.stringify({ ...(p.data as object), address });
  /** Only while the change is still in progress: a step posted as « Confirmer » files it writes nothing (step-data.ts). */
  async function save(trx: Db, p: VehicleProcedure, address: AddressState) {
    await saveStepData(trx, p, { data: dataWith(p, address) });
  }
  /** The status moves through the state machine, with the step's answers saved in the same write; refused: the transaction rolls back. */
  async function move(trx: Db, p: VehicleProcedure, action: 'file_for_payment' | 'complete_free' | 'paid', address: AddressState, actor: Actor) {
    const moved = await applyTransition(trx, deps.config, p, action, actor, { set: { data: dataWith(p, address) } });
    if (!moved.ok) throw new TransitionRefused();
  }
  async function facts(p: VehicleProcedure) {
    const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', p.vehicle_id).executeTakeFirstOrThrow();
    const holder = await db.selectFrom('vehicle_holders').selectAll().where('id', '=', vehicle.holder_id).executeTakeFirstOrThrow();
    const name = holder.kind === 'natural' ? `${holder.given_names} ${holder.birth_name}` : (holder.company_name ?? '');
    return { vehicle, holder, name, current: [holder.address_line1, ...(holder.address_line2 ? [holder.address_line2] : []), `${holder.postcode} ${holder.commune}`] };
  }

  return {
    load,
    stateOf,
    /** The user's step on a vehicle declared sold meanwhile: the request is refused and abandoned (registry/sold.ts); the message, or null. */
    refuseIfSold: (p: VehicleProcedure, actor: Actor) => refuseIfSold(db, deps.config, p, actor),
    facts,

    async enter(p: VehicleProcedure, input: Record<string, string | undefined>): Promise<Outcome<null>> {
      if (p.status !== 'in_progress') return { ok: false, errors: { form: 'Cette demande est déjà enregistrée.' } };
      const checked = checkAddress(input);
      if (!checked.ok) return { ok: false, errors: checked.errors };
      await save(db, p, { step: 'summary', proposed: checked.proposed, corrected: checked.corrected });
      return { ok: true, value: null };
    },

    /** Keeps what was typed on the address form, unchecked (a refused form): shown again when the step is. */
    async saveDraft(p: VehicleProcedure, input: Record<string, string | undefined>): Promise<void> {
      if (p.status !== 'in_progress') return;
      const draft = Object.fromEntries(ADDRESS_FIELDS.filter((k) => typeof input[k] === 'string').map((k) => [k, input[k]!.slice(0, 200)]));
      await save(db, p, { ...stateOf(p), draft });
    },

    /** What this change costs and produces, computed by the tax engine. */
    async taxLines(p: VehicleProcedure): Promise<TaxLine[]> {
      const { vehicle } = await facts(p);
      return deps.taxes.forVehicle('address_change', vehicle, stateOf(p).proposed?.postcode ?? '');
    },

    /** Files the change: a free label now, or a certificate once paid. */
    async confirm(p: VehicleProcedure, actor: Actor): Promise<Outcome<{ paymentDue: boolean }>> {
      const state = stateOf(p);
      if (p.status !== 'in_progress' || state.step !== 'summary' || !state.proposed) return { ok: false, errors: { form: 'La demande n’est pas complète.' } };
      const { vehicle, holder, name, current } = await facts(p);
      if (soldRefusal('address_change', vehicle)) return SOLD;
      const certificate = issuesCertificate({ procedure: 'address_change', category: vehicle.category, fiscalPower: vehicle.fiscal_power, energy: vehicle.energy, firstRegistrationDate: '', fni: vehicle.plate_kind === 'fni', addressChangesSinceSiv: vehicle.address_changes_since_siv, region: '', at: '' });
      if (certificate.issued) {
        const filed = await db.transaction().execute(async (trx) => {
          await move(trx, p, 'file_for_payment', { ...state, previous: current, outcome: 'certificate' }, actor);
          await audit(trx, actor, 'vehicle.address_change_filed', { kind: 'vehicle_procedure', id: p.id }, { outcome: 'certificate' });
        }).then(() => true, refusedAsFalse);
        return filed ? { ok: true, value: { paymentDue: true } } : CHANGED;
      }
      const a = state.proposed;
      const done = await db.transaction().execute(async (trx) => {
        // first write: only while the vehicle is unsold (a sale confirmed meanwhile stops the label)
        if (!(await lockUnsold(trx, vehicle.id))) return 'sold' as const;
        await trx.updateTable('vehicle_holders').set({ address_line1: a.line1, address_line2: a.line2, postcode: a.postcode, commune: a.commune }).where('id', '=', holder.id).execute();
        await trx.updateTable('vehicles').set({ address_changes_since_siv: vehicle.address_changes_since_siv + 1 }).where('id', '=', vehicle.id).execute();
        await queueLetter(trx, {
          recipient: addressBlock([name, a.line2, a.line1], a.postcode, a.commune),
          subject: `Étiquette de changement d’adresse — véhicule ${vehicle.plate}`,
          body: `Madame, Monsieur,\n\nVotre changement d’adresse pour le véhicule ${vehicle.plate} est enregistré (changement n° ${vehicle.address_changes_since_siv + 1} depuis l’immatriculation au SIV). Collez l’étiquette ci-jointe sur votre certificat d’immatriculation, à l’emplacement prévu.\n\nNouvelle adresse : ${a.line1}${a.line2 ? `, ${a.line2}` : ''}, ${a.postcode} ${a.commune}\n\nL’Agence nationale des titres sécurisés`,
          vehicleId: vehicle.id,
        });
        await issueSummary(trx, {
          procedureId: p.id,
          fileNumber: p.file_number,
          procedure: 'Changement d’adresse',
          plate: vehicle.plate,
          rows: [
            { label: 'Titulaire', value: name },
            { label: 'Ancienne adresse', value: current.join(', ') },
            { label: 'Nouvelle adresse', value: [a.line1, a.line2, `${a.postcode} ${a.commune}`].filter(Boolean).join(', ') },
            { label: 'Changement depuis l’immatriculation au SIV', value: `n° ${vehicle.address_changes_since_siv + 1} : étiquette gratuite envoyée par courrier` },
          ],
        });
        await move(trx, p, 'complete_free', { ...state, step: 'done', previous: current, outcome: 'label' }, actor);
        await audit(trx, actor, 'vehicle.address_changed', { kind: 'vehicle', id: vehicle.id }, { outcome: 'label', procedure: p.file_number });
        return true;
      }).then((r) => r, refusedAsFalse);
      if (done === 'sold') return SOLD;
      return done ? { ok: true, value: { paymentDue: false } } : CHANGED;
    },

    /** Paid: new certificate (an FNI vehicle moves to a SIV number), CPI, the cycle of labels restarts. */
    async finalizePaid(trx: Db, procedureId: number): Promise<void | 'refused'> {
      const p = await trx.selectFrom('vehicle_procedures').selectAll().where('id', '=', procedureId).executeTakeFirst();
      const state = p ? stateOf(p) : null;
      if (!p || p.kind !== 'address_change' || p.status !== 'awaiting_payment' || !state?.proposed) return;
      // first write: the vehicle still unsold, locked (a sale declared meanwhile stops it: nothing
      // changed or issued, the request closed, the charge refunded by the payment service)
      if (!(await lockUnsold(trx, p.vehicle_id!))) {
        await closeAsSold(trx, deps.config, p, { at: 'payment' });
        return 'refused';
      }
      const a = state.proposed;
      const vehicle = await trx.selectFrom('vehicles').selectAll().where('id', '=', p.vehicle_id).executeTakeFirstOrThrow();
      const holder = await trx.selectFrom('vehicle_holders').selectAll().where('id', '=', vehicle.holder_id).executeTakeFirstOrThrow();
      const plate = vehicle.plate_kind === 'fni' ? await newSivPlate(trx) : vehicle.plate;
      await trx.updateTable('vehicle_holders').set({ address_line1: a.line1, address_line2: a.line2, postcode: a.postcode, commune: a.commune }).where('id', '=', holder.id).execute();
      await issueNewCertificate(trx, deps.config.sessionSecret, {
        vehicle,
        procedure: { id: p.id, fileNumber: p.file_number },
        holder: holder.kind === 'natural' ? `${holder.given_names} ${holder.birth_name}` : (holder.company_name ?? ''),
        address: [a.line1, ...(a.line2 ? [a.line2] : []), `${a.postcode} ${a.commune}`],
        changes: { plate, plate_kind: 'siv' },
        publicUrl: deps.config.publicUrl,
      });
      const paid = await trx.selectFrom('payments').select('amount_cents').where('procedure_id', '=', p.id).where('status', '=', 'success').executeTakeFirst();
      await issueSummary(trx, {
        procedureId: p.id,
        fileNumber: p.file_number,
        procedure: 'Changement d’adresse',
        plate,
        rows: [
          { label: 'Titulaire', value: holder.kind === 'natural' ? `${holder.given_names} ${holder.birth_name}` : (holder.company_name ?? '') },
          { label: 'Ancienne adresse', value: (state.previous ?? []).join(', ') },
          { label: 'Nouvelle adresse', value: [a.line1, a.line2, `${a.postcode} ${a.commune}`].filter(Boolean).join(', ') },
          { label: 'Nouveau certificat', value: plate !== vehicle.plate ? `nouveau numéro ${plate} (ancien ${vehicle.plate})` : 'délivré, avec un certificat provisoire' },
          { label: 'Montant payé', value: paid ? new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(paid.amount_cents / 100) : '—' },
        ],
      });
      await move(trx, p, 'paid', { ...state, step: 'done' }, SYSTEM);
      await audit(trx, SYSTEM, 'vehicle.address_changed', { kind: 'vehicle', id: vehicle.id }, { outcome: 'certificate', procedure: p.file_number, new_plate: plate !== vehicle.plate });
    },
  };
}
export type AddressService = ReturnType<typeof createAddressService>;
