import { sql } from 'kysely';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Agent } from '../../schema.ts';
import type { Outcome } from '../accounts/service.ts';
import { requireLicenceAgent } from './back-office.ts';
import { one, type Input, type LicencesDeps } from './deps.ts';
import { canFire, formatNeph, PIECES, TRANSITIONS, type Transition } from './model.ts';
import { requiredOf } from './pieces.ts';
import { dataOf, ownerOf, statusLabel } from './request-data.ts';
import { applyLicenceTransition } from './transitions.ts';

/** An agent takes a request: no one else can decide it. A sent request moves to "Vérification des images". */
export async function takeRequest(deps: Pick<LicencesDeps, 'db' | 'config'>, agent: Agent, id: number, ip: string): Promise<Outcome<null>> {
  requireLicenceAgent(agent);
  return deps.db.transaction().execute(async (trx) => {
    const r = await trx.selectFrom('licence_requests').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r || r.status === 'draft') return { ok: false, errors: { form: 'Demande introuvable.' } };
    if (r.assigned_agent_id && r.assigned_agent_id !== agent.id) return { ok: false, errors: { form: 'Cette demande est déjà prise par un autre agent : vous ne pouvez pas la traiter.' } };
    const res = await trx
      .updateTable('licence_requests')
      .set({ assigned_agent_id: agent.id, assigned_at: new Date() })
      .where('id', '=', id)
      .where((eb) => eb.or([eb('assigned_agent_id', 'is', null), eb('assigned_agent_id', '=', agent.id)]))
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return { ok: false, errors: { form: 'Cette demande vient d’être prise par un autre agent.' } };
    const actor: Actor = { kind: 'agent', id: agent.id, ip };
    if (r.status === 'sent') await applyLicenceTransition(trx, deps.config, { ...r, assigned_agent_id: agent.id }, 'check_images', actor, { agentId: agent.id });
    else await audit(trx, actor, 'licence.taken', { kind: 'licence_request', id }, { file: r.file_number });
    return { ok: true, value: null };
  });
}

/** A decision, through the state machine: refused (nothing changes) in a state that does not allow it or on someone else's request. */
export async function decide(deps: Pick<LicencesDeps, 'db' | 'config' | 'attachments'>, agent: Agent, id: number, t: Transition, input: Input, ip: string): Promise<Outcome<null>> {
  requireLicenceAgent(agent);
  const def = TRANSITIONS[t];
  if (def.by !== 'agent' || t === 'check_images') return { ok: false, errors: { form: 'Décision inconnue.' } };
  const note = one(input.note).trim();
  if (def.note && !note) return { ok: false, errors: { note: t === 'request_complement' ? 'Indiquez ce que l’usager doit compléter : ce texte lui est montré' : 'Indiquez le motif : il est montré à l’usager' } };
  if (note.length > 1000) return { ok: false, errors: { note: '1 000 caractères au plus' } };
  return deps.db.transaction().execute(async (trx): Promise<Outcome<null>> => {
    const r = await trx.selectFrom('licence_requests').selectAll().where('id', '=', id).executeTakeFirst();
    if (!r || r.status === 'draft') return { ok: false, errors: { form: 'Demande introuvable.' } };
    if (r.assigned_agent_id !== agent.id)
      return { ok: false, errors: { form: r.assigned_agent_id ? 'Cette demande est prise par un autre agent : seule cette personne peut la décider.' : 'Prenez d’abord la demande pour la traiter.' } };
    if (r.status === def.to && !def.note) return { ok: true, value: null }; // the same decision, clicked twice
    if (!canFire(t, r.status)) return { ok: false, errors: { form: `La décision « ${def.label} » n’est pas possible pour une demande à l’état « ${statusLabel(r.status)} ».` } };
    if (t === 'validate') {
      // every piece the request needs accepted: a refused or unexamined one is asked again, never validated
      const pieces = await deps.attachments.list(ownerOf(r), trx);
      const open = requiredOf(r).filter((p) => !pieces.some((a) => a.purpose === p && a.review_status === 'accepted'));
      if (open.length)
        return {
          ok: false,
          errors: { form: `Acceptez d’abord chaque pièce, ou demandez un complément : ${open.map((p) => PIECES[p].label.charAt(0).toLowerCase() + PIECES[p].label.slice(1)).join(', ')}.` },
        };
    }
    const set: { neph?: string } = {};
    if (t === 'validate' && r.reason === 'registration' && !r.neph) set.neph = await allocateNeph(trx, dataOf(r).identity?.postcode ?? '75000');
    const moved = await applyLicenceTransition(trx, deps.config, r, t, { kind: 'agent', id: agent.id, ip }, { note: note || null, agentId: agent.id, set });
    if (!moved.ok) return { ok: false, errors: { form: 'Cette demande a changé entre-temps : rechargez la page.' } };
    return { ok: true, value: null };
  });
}

/** The next NEPH of the département this month (one counter row per prefix, incremented atomically). */
async function allocateNeph(trx: Db, postcode: string): Promise<string> {
  const now = new Date();
  const dep = postcode.startsWith('97') ? '97' : postcode.slice(0, 2);
  const prefix = formatNeph(now, dep, 0).slice(0, 8);
  const row = await sql<{ last_order: number }>`
    insert into licence_neph_counters (prefix, last_order) values (${prefix}, 1)
    on conflict (prefix) do update set last_order = licence_neph_counters.last_order + 1
    returning last_order`.execute(trx);
  return formatNeph(now, dep, Number(row.rows[0]!.last_order));
}
