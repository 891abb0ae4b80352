import type { TimelineEntry } from '../../domains/my-requests/timeline.ts';
import { formatDateTime } from '../format.ts';

/**
 * A request's timeline (domains/my-requests/timeline.ts), oldest first: each entry with its date,
 * who acted, the status reached, a message's text and a document's link. Same on both sides; the
 * back office passes entries that name the agent.
 */
export function Timeline({ entries, title = 'Historique de la demande' }: { entries: TimelineEntry[]; title?: string }) {
  return (
    <section class="fr-mt-6w" aria-labelledby="historique-demande">
      <h2 id="historique-demande">{title}</h2>
      {entries.length === 0 ? (
        <p>Aucun événement enregistré pour l’instant.</p>
      ) : (
        <ol class="app-thread fr-raw-list">
          {entries.map((e, i) => (
            <li key={i} class={`app-thread__message${e.type === 'message' && e.actor !== 'Vous' && e.actor !== 'L’usager' ? ' app-thread__message--agent' : ''}`}>
              <p class="fr-text--sm fr-mb-1v">
                <time dateTime={e.at.toISOString()}>{formatDateTime(e.at)}</time> — {e.actor}
              </p>
              <p class="fr-text--bold fr-mb-1v">
                {e.href ? <a href={e.href}>{e.label}</a> : e.label}
              </p>
              {e.status && <p class="fr-badge fr-badge--sm fr-badge--no-icon fr-badge--info fr-mb-1v">Statut : {e.status}</p>}
              {e.text && <p class="app-thread__body">{e.text}</p>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
