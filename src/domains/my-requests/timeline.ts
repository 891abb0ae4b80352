import { sql } from 'kysely';
import { auditActionLabel } from '../../platform/audit-labels.ts';
import type { Db } from '../../platform/db/database.ts';
import { stateView, type Source } from './model.ts';

/**
 * A request's timeline (issue 16, decision 0025): each status with its date, who acted, the messages
 * and the documents, in order. The user and the back office read the same entries; the user reads
 * the service that acted ("le centre d'instruction"), never an agent's name, and not the agents'
 * reads of the request (those are in "Mon historique").
 */
export type OwnerKind = 'vehicle_procedure' | 'licence_request' | 'pre_application' | 'contact_request';

export interface TimelineOwner {
  kind: OwnerKind;
  id: number;
  /** the account the request belongs to: its own actions read "Vous" */
  accountId: number;
  /** a vehicle procedure's vehicle and file number: rows about the vehicle that name the procedure belong to it */
  vehicleId?: number | null;
  fileNumber?: string | null;
}

export interface TimelineEntry {
  at: Date;
  type: 'event' | 'message' | 'document';
  label: string;
  actor: string;
  /** the status the request reached, as the user reads it */
  status: string | null;
  /** a message's text, a refusal's reason */
  text: string | null;
  /** a document the reader may open */
  href: string | null;
}

export type TimelineReader = { kind: 'user' } | { kind: 'agent' };

const SOURCE_OF: Record<OwnerKind, Source> = { vehicle_procedure: 'vehicle', licence_request: 'licence', pre_application: 'pre_application', contact_request: 'contact' };

/** Who acts for the administration on each kind of request, as the user reads it. */
const SERVICE_OF: Record<OwnerKind, string> = {
  vehicle_procedure: 'Le centre d’instruction',
  licence_request: 'L’administration',
  pre_application: 'La mairie',
  contact_request: 'L’assistance',
};

const MESSAGE_FROM: Record<OwnerKind, string> = {
  vehicle_procedure: 'Message du centre d’instruction',
  licence_request: 'Message de l’administration',
  pre_application: 'Message de la mairie',
  contact_request: 'Message de l’assistance',
};

/** Rows the user does not read on a timeline: the agents' reads (in "Mon historique"), messages (listed from the thread). */
const HIDDEN_FROM_USER = new Set([
  'agent.viewed_request',
  'agent.viewed_attachment',
  'agent.released_request',
  'agent.exported_history',
  'contact.viewed',
  'pre_application.lookup',
]);
/** Rows told by another entry: messages (listed from the thread), the code accepted (told by the transition it causes). */
const MESSAGE_ROWS = new Set(['agent.messaged_user', 'vehicle_procedure.user_message', 'confidential_code.verified']);

const ISSUED_LABELS: Record<string, string> = {
  certificat_cession: 'Certificat de cession délivré',
  csa: 'Certificat de situation administrative délivré',
  accuse_enregistrement: 'Accusé d’enregistrement délivré',
  cpi: 'Certificat provisoire d’immatriculation (CPI) délivré',
  recapitulatif: 'Récapitulatif de la démarche délivré',
};

export function createTimeline(deps: { db: Db }) {
  const { db } = deps;

  return {
    /**
     * The entries of one request, oldest first. `pieceHref` gives the link to an attachment on the
     * reader's side (each space has its own route); `documentHref` the link to an issued document.
     */
    async of(
      owner: TimelineOwner,
      reader: TimelineReader,
      links: { pieceHref?: (attachmentId: number) => string; documentHref?: (kind: string) => string | null } = {},
    ): Promise<TimelineEntry[]> {
      const service = SERVICE_OF[owner.kind];
      const source = SOURCE_OF[owner.kind];
      const agentName = (name: string | null) => (reader.kind === 'agent' ? `${name ?? 'Agent'} (agent)` : service);

      let events = db
        .selectFrom('audit_events as e')
        .leftJoin('agents as ag', (j) => j.onRef('ag.id', '=', 'e.actor_id').on('e.actor_kind', '=', 'agent'))
        .select(['e.id', 'e.at', 'e.actor_kind', 'e.actor_id', 'e.action', 'e.details', 'ag.display_name']);
      events = events.where((eb) =>
        eb.or([
          eb.and([eb('e.subject_kind', '=', owner.kind), eb('e.subject_id', '=', owner.id)]),
          ...(owner.vehicleId && owner.fileNumber
            ? [eb.and([eb('e.subject_kind', '=', 'vehicle'), eb('e.subject_id', '=', owner.vehicleId), eb(sql<string>`e.details->>'procedure'`, '=', owner.fileNumber)])]
            : []),
        ]),
      );
      const rows = await events.orderBy('e.id').execute();

      const entries: (TimelineEntry & { order: number })[] = [];
      for (const r of rows) {
        if (MESSAGE_ROWS.has(r.action)) continue;
        if (r.action === 'agent.viewed_request' || r.action === 'contact.viewed' || (reader.kind === 'user' && HIDDEN_FROM_USER.has(r.action))) continue; // the back office lists its reads in the CSV export
        const details = (r.details ?? {}) as Record<string, unknown>;
        const actor =
          r.actor_kind === 'agent'
            ? agentName(r.display_name)
            : r.actor_kind === 'system'
              ? 'Le portail'
              : Number(r.actor_id) === owner.accountId
                ? reader.kind === 'user'
                  ? 'Vous'
                  : 'L’usager'
                : owner.kind === 'pre_application'
                  ? 'La mairie'
                  : 'Un autre usager';
        const to = typeof details.to === 'string' ? (r.action.endsWith('.accept_pieces') ? 'in_progress_reviewed' : details.to) : null;
        const reason = typeof details.reason === 'string' && r.action.endsWith('refused') ? details.reason : null;
        entries.push({
          at: new Date(r.at),
          order: Number(r.id),
          type: 'event',
          label: auditActionLabel(r.action),
          actor,
          status: to ? stateView(source, to).label : null,
          text: reason,
          href: null,
        });
      }

      const messages = await db
        .selectFrom('request_messages as m')
        .leftJoin('agents as ag', 'ag.id', 'm.author_agent_id')
        .select(['m.id', 'm.created_at', 'm.author_kind', 'm.body', 'ag.display_name'])
        .where('m.owner_kind', '=', owner.kind)
        .where('m.owner_id', '=', owner.id)
        .orderBy('m.id')
        .execute();
      for (const m of messages)
        entries.push({
          at: new Date(m.created_at),
          order: -2,
          type: 'message',
          label: m.author_kind === 'agent' ? MESSAGE_FROM[owner.kind] : reader.kind === 'user' ? 'Votre message' : 'Message de l’usager',
          actor: m.author_kind === 'agent' ? agentName(m.display_name) : reader.kind === 'user' ? 'Vous' : 'L’usager',
          status: null,
          text: m.body,
          href: null,
        });

      const pieces = await db
        .selectFrom('attachments')
        .select(['id', 'filename', 'created_at', 'account_id'])
        .where('owner_kind', '=', owner.kind)
        .where('owner_id', '=', owner.id)
        .orderBy('id')
        .execute();
      for (const p of pieces)
        entries.push({
          at: new Date(p.created_at),
          order: -1,
          type: 'document',
          label: `Pièce envoyée : ${p.filename}`,
          actor: reader.kind === 'user' ? 'Vous' : 'L’usager',
          status: null,
          text: null,
          href: links.pieceHref ? links.pieceHref(Number(p.id)) : null,
        });

      if (owner.kind === 'vehicle_procedure') {
        const issued = await db.selectFrom('issued_documents').select(['kind', 'issued_at']).where('procedure_id', '=', owner.id).orderBy('issued_at').execute();
        // the accusé d'enregistrement is drawn from the certificat de cession's row (sale/receipt.ts): issued with it
        const kinds = issued.flatMap((d) => (d.kind === 'certificat_cession' ? [d, { ...d, kind: 'accuse_enregistrement' }] : [d]));
        for (const d of kinds)
          entries.push({
            at: new Date(d.issued_at),
            order: Number.MAX_SAFE_INTEGER,
            type: 'document',
            label: ISSUED_LABELS[d.kind] ?? 'Document délivré',
            actor: 'Le portail',
            status: null,
            text: null,
            href: links.documentHref?.(d.kind) ?? null,
          });
      }

      // oldest first; at the same instant a message or a piece before the audit rows of the step that sent it,
      // the documents the portal issued after them
      entries.sort((a, b) => a.at.getTime() - b.at.getTime() || a.order - b.order);
      return entries.map(({ order: _order, ...entry }) => entry);
    },
  };
}
export type Timeline = ReturnType<typeof createTimeline>;
