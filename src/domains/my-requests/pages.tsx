import type { Capability } from '../accounts/profiles.ts';
import { TABS, type Source, type Tab } from './model.ts';
import type { RequestRow } from './service.ts';
import { PROCEDURE_LABELS } from '../vehicles/procedures/requirements.ts';
import { REASONS, type Reason } from '../licences/model.ts';
import { DOCUMENT_LABELS, type TravelDocument } from '../identity-docs/model.ts';
import type { ProcedureKind } from '../vehicles/tables.ts';
import { Alert, Breadcrumb, Table } from '../../ui/components/content.tsx';
import { ErrorSummary, Form, SubmitButton, TextInput } from '../../ui/components/form.tsx';
import { formatShortDateTime } from '../../ui/format.ts';
import { Layout } from '../../ui/layout.tsx';

/** The page of a request in its own space. */
export function requestHref(r: Pick<RequestRow, 'source' | 'id' | 'reference'>): string {
  switch (r.source) {
    case 'vehicle':
      return `/vehicules/demandes/${r.reference}`;
    case 'licence':
      return `/permis/demandes/${r.reference}`;
    case 'pre_application':
      return `/pre-demandes/${r.id}`;
    case 'contact':
      return `/contact/demandes/${r.reference}`;
  }
}

/** Where each kind of vehicle procedure's steps start: the address that shows the first unfinished step. */
const VEHICLE_STEPS_SEGMENT: Record<ProcedureKind, string> = {
  sale_declaration: 'cession',
  holder_change: 'titulaire',
  address_change: 'adresse',
  duplicate: 'duplicata',
  complementary: 'complementaire',
};

/** A draft's way back in: straight to its first unfinished step (a vehicle procedure past its code), else null. */
export function resumeHref(r: Pick<RequestRow, 'source' | 'reference' | 'subkind' | 'state'>): string | null {
  if (r.source !== 'vehicle' || r.state !== 'in_progress' || !r.reference) return null;
  const segment = VEHICLE_STEPS_SEGMENT[r.subkind as ProcedureKind];
  return segment ? `/vehicules/demandes/${r.reference}/${segment}` : null;
}

const SOURCE_LABELS: Record<Source, string> = {
  vehicle: 'Carte grise',
  licence: 'Permis de conduire',
  pre_application: 'Carte d’identité, passeport',
  contact: 'Demande de contact',
};

/** What the request is, in the user's words. */
export function requestTitle(r: Pick<RequestRow, 'source' | 'subkind' | 'title'>): string {
  switch (r.source) {
    case 'vehicle':
      return PROCEDURE_LABELS[r.subkind as ProcedureKind] ?? 'Démarche de carte grise';
    case 'licence':
      return REASONS[r.subkind as Reason]?.short ?? 'Demande de permis de conduire';
    case 'pre_application':
      return `Pré-demande : ${DOCUMENT_LABELS[r.subkind as TravelDocument] ?? 'titre d’identité'}`;
    case 'contact':
      return r.title ?? 'Demande de contact';
  }
}

const tabHref = (tab: Tab) => `/mes-demarches?onglet=${tab}`;

function RequestsTable({ rows, caption }: { rows: RequestRow[]; caption: string }) {
  return (
    <Table
      caption={caption}
      headers={['Démarche', 'Numéro', 'Immatriculation', 'Statut', 'Mise à jour']}
      rows={rows.map((r) => [
        <>
          <p class="fr-text--xs fr-mb-0">{SOURCE_LABELS[r.source]}</p>
          <a href={requestHref(r)}>{requestTitle(r)}</a>
          {resumeHref(r) && (
            <p class="fr-text--sm fr-mb-0">
              <a class="fr-link fr-link--sm" href={resumeHref(r)!}>
                Reprendre la démarche<span class="fr-sr-only"> : {`${requestTitle(r)} ${r.reference}`}</span>
              </a>
            </p>
          )}
        </>,
        r.reference ?? 'Numéro attribué à la validation',
        r.plate ?? '—',
        <>
          <p class={`fr-badge fr-badge--sm fr-badge--no-icon fr-badge--${r.view.badge} fr-mb-0`}>{r.view.label}</p>
          {r.unread > 0 && <p class="fr-badge fr-badge--sm fr-badge--new fr-mb-0 fr-mt-1v">{r.unread === 1 ? '1 message non lu' : `${r.unread} messages non lus`}</p>}
        </>,
        formatShortDateTime(r.updatedAt),
      ])}
    />
  );
}

export interface DashboardProps {
  tab: Tab;
  counts: Record<Tab, number>;
  rows: RequestRow[];
  /** the next page's URL, the first page's when not on it */
  nextHref: string | null;
  firstHref: string | null;
  /** a search: what was typed, its error, its results */
  q: string;
  error?: string;
  results: RequestRow[] | null;
  /** the spaces the account's profile has (accounts/profiles.ts) */
  spaces: readonly Capability[];
}

/** "Mes démarches": every request of the account, by tab, the action expected from the user shown as the status. */
export function DashboardPage(props: DashboardProps) {
  const current = TABS.find((t) => t.key === props.tab)!;
  const toComplete = props.counts['a-completer'];
  const spaces = props.spaces;
  return (
    <Layout title={props.results ? `Recherche « ${props.q} » - Mes démarches` : `${current.label} - Mes démarches`} hasErrors={!!props.error}>
      <Breadcrumb items={[{ href: '/compte', label: 'Mon compte' }, { label: 'Mes démarches' }]} />
      <ErrorSummary errors={props.error ? { q: props.error } : {}} />
      <h1>Mes démarches</h1>
      <p>
        Toutes vos demandes : cartes grises, permis de conduire, pré-demandes de carte d’identité et de passeport, demandes de contact. Le
        statut indique ce que vous avez à faire.
      </p>
      {toComplete > 0 && props.tab !== 'a-completer' && !props.results && (
        <Alert kind="warning" small>
          <p>
            <a href={tabHref('a-completer')}>
              {toComplete === 1 ? '1 démarche attend une action de votre part' : `${toComplete} démarches attendent une action de votre part`}
            </a>
          </p>
        </Alert>
      )}
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--sm fr-btns-group--tertiary fr-mt-2w">
        {spaces.includes('vehicles') && (
          <li>
            <a class="fr-btn fr-btn--tertiary" href="/vehicules">
              Mon espace véhicule
            </a>
          </li>
        )}
        {spaces.includes('licences') && (
          <li>
            <a class="fr-btn fr-btn--tertiary" href="/permis">
              Mon espace permis
            </a>
          </li>
        )}
        {spaces.includes('pre_applications') && (
          <li>
            <a class="fr-btn fr-btn--tertiary" href="/pre-demandes">
              Mes pré-demandes
            </a>
          </li>
        )}
        <li>
          <a class="fr-btn fr-btn--tertiary" href="/contact/demandes">
            Mes demandes de contact
          </a>
        </li>
      </ul>

      <div role="search">
        <Form action="/mes-demarches" method="get">
            <TextInput
              name="q"
              type="search"
              label="Rechercher une démarche"
              hint="Numéro de dossier ou immatriculation, par exemple AB-123-CD"
              value={props.q}
              error={props.error}
              spellcheck={false}
              maxLength={40}
            />
            <SubmitButton secondary>Rechercher</SubmitButton>
        </Form>
      </div>

      {props.results ? (
        <section class="fr-mt-4w" aria-labelledby="resultats">
          <h2 id="resultats">
            {props.results.length === 0 ? 'Aucune démarche trouvée' : props.results.length === 1 ? '1 démarche trouvée' : `${props.results.length} démarches trouvées`}
          </h2>
          {props.results.length === 0 && <p>Aucune de vos démarches ne porte le numéro de dossier ou l’immatriculation « {props.q} ». Vérifiez la saisie.</p>}
          {props.results.length > 0 && <RequestsTable rows={props.results} caption={`Vos démarches pour « ${props.q} »`} />}
          <p>
            <a href="/mes-demarches">Effacer la recherche et revenir à la liste</a>
          </p>
        </section>
      ) : (
        <>
          <nav class="app-tab-links fr-mt-4w" aria-label="Classement de mes démarches">
            <ul class="fr-tabs__list">
              {TABS.map((t) => (
                <li key={t.key}>
                  <a class="fr-tabs__tab" href={tabHref(t.key)} aria-current={t.key === props.tab ? 'page' : undefined}>
                    {t.label} ({props.counts[t.key]})
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <h2>
            {current.label} ({props.counts[props.tab]})
          </h2>
          {props.rows.length === 0 ? (
            <p>{current.empty}</p>
          ) : (
            <RequestsTable rows={props.rows} caption={`${current.label} : les plus récemment mises à jour d’abord`} />
          )}
          {(props.nextHref || props.firstHref) && (
            <nav role="navigation" class="fr-pagination fr-mt-3w" aria-label="Pagination">
              <ul class="fr-pagination__list">
                {props.firstHref && (
                  <li>
                    <a class="fr-pagination__link fr-pagination__link--first fr-pagination__link--lg-label" href={props.firstHref}>
                      Première page
                    </a>
                  </li>
                )}
                {props.nextHref && (
                  <li>
                    <a class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" href={props.nextHref}>
                      Page suivante
                    </a>
                  </li>
                )}
              </ul>
            </nav>
          )}
        </>
      )}
    </Layout>
  );
}
