import type { CommuneRef } from '../communes-geo.ts';
import { formatDistance, MAX_RADIUS_KM, PLACE_KIND_LABELS, PLACE_KINDS } from '../model.ts';
import type { Origin, PlaceResult } from '../service.ts';
import type { PlaceKind } from '../tables.ts';
import { Alert, Breadcrumb } from '../../../ui/components/content.tsx';
import { ErrorSummary, Form, RadioGroup, SubmitButton, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { Layout } from '../../../ui/layout.tsx';
import { HelpLink } from '../../help/pages/help-link.tsx';

export interface DirectoryAssets {
  leafletCss: string;
  leafletJs: string;
  css: string;
  js: string;
}

export interface DirectoryPageProps {
  values: { q?: string; type?: string };
  errors: FieldErrors;
  /** namesake communes to choose from */
  choices?: CommuneRef[];
  origin?: Origin;
  results?: Partial<Record<PlaceKind, PlaceResult[]>>;
  map: { tilesUrl: string; attribution: string };
  assets: DirectoryAssets;
}

const TYPE_OPTIONS = [
  { value: '', label: 'Tous les lieux' },
  ...PLACE_KINDS.map((k) => ({ value: PLACE_KIND_LABELS[k].slug, label: PLACE_KIND_LABELS[k].plural })),
];

const PRECISION_NOTES: Record<Origin['precision'], string> = {
  commune: 'Distances à vol d’oiseau depuis le centre de la commune.',
  postcode: 'Distances à vol d’oiseau depuis le centre du secteur de ce code postal (position approximative).',
  epci: 'Distances à vol d’oiseau, approximatives : la position de cette commune est estimée au centre de son intercommunalité.',
  department: 'Distances à vol d’oiseau, approximatives : la position exacte de cette commune n’est pas connue du portail, elle est estimée au centre du département.',
  position: 'Distances à vol d’oiseau depuis votre position. Elle a servi à cette recherche seulement : le portail ne l’a pas conservée.',
};

function details(r: PlaceResult): string | null {
  const p = r.place;
  if (p.kind === 'photographer') return p.booth ? 'Cabine photo agréée' : 'Photographe agréé';
  if (p.kind === 'town_hall') return p.scanner_count ? `${p.scanner_count} dispositif${p.scanner_count > 1 ? 's' : ''} de recueil des empreintes` : null;
  return p.habilitation_number ? `Habilitation SIV n° ${p.habilitation_number}` : null;
}

function PlaceList({ kind, results }: { kind: PlaceKind; results: PlaceResult[] }) {
  const label = PLACE_KIND_LABELS[kind];
  return (
    <section class="fr-mb-6w" aria-labelledby={`titre-${label.slug}`}>
      <h2 id={`titre-${label.slug}`} class="fr-h3">
        <span class={`app-place-dot app-place-dot--${label.slug}`} aria-hidden="true"></span>
        {label.plural}
      </h2>
      <p class="fr-text--sm">{label.what}</p>
      {results.length ? (
        <ol class="app-place-list" id={`liste-${label.slug}`}>
          {results.map((r) => (
            <li class="app-place" key={r.place.id}>
              <h3 class="fr-h6 fr-mb-1v">{r.place.name}</h3>
              <p class="fr-mb-1v">
                <strong class="app-place__distance">à {formatDistance(r.distanceKm)}</strong>
                {' — '}
                {r.place.address_line}, {r.place.postcode} {r.place.commune}
              </p>
              {details(r) && <p class="fr-text--sm fr-mb-1v">{details(r)}</p>}
              {r.place.opening_hours && <p class="fr-text--sm fr-mb-1v">Horaires : {r.place.opening_hours}</p>}
              {r.place.phone && (
                <p class="fr-text--sm fr-mb-0">
                  Téléphone : <a href={`tel:+33${r.place.phone.replace(/\s/g, '').slice(1)}`}>{r.place.phone}</a>
                </p>
              )}
            </li>
          ))}
        </ol>
      ) : (
        <p>Aucun lieu de ce type n’est référencé à moins de {formatDistance(MAX_RADIUS_KM)}.</p>
      )}
    </section>
  );
}

export function DirectoryPage(props: DirectoryPageProps) {
  const { values, errors, results, origin } = props;
  const kinds = results ? PLACE_KINDS.filter((k) => results[k]) : [];
  const markers = kinds.flatMap((k) =>
    results![k]!.map((r) => ({ kind: PLACE_KIND_LABELS[k].slug, name: r.place.name, address: `${r.place.address_line}, ${r.place.postcode} ${r.place.commune}`, distance: formatDistance(r.distanceKm), lat: r.place.latitude, lon: r.place.longitude })),
  );
  return (
    <Layout title={origin ? `Lieux près de ${origin.label}` : 'Trouver un lieu près de chez vous'} hasErrors={Object.keys(errors).length > 0}>
      <link rel="stylesheet" href={props.assets.css} />
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'Trouver un lieu' }]} />
      <ErrorSummary errors={errors} />
      <h1>Trouver un professionnel, un photographe ou une mairie</h1>
      <p>
        Recherchez près d’une commune les professionnels de l’automobile habilités pour la carte grise, les photographes et cabines agréés pour
        la photo et la signature numériques, et les mairies qui reçoivent les demandes de carte d’identité et de passeport.
      </p>
      <HelpLink topic="photo-signature" label="la photo et la signature numériques pour le permis de conduire" />
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-7">
          <Form action="/lieux" method="get">
            <TextInput name="q" label="Commune ou code postal" hint="Par exemple 69003 ou Lyon" value={values.q} error={errors.q} autocomplete="postal-code" />
            <RadioGroup name="type" label="Que cherchez-vous ?" options={TYPE_OPTIONS} value={values.type ?? ''} />
            <SubmitButton>Rechercher</SubmitButton>
          </Form>
        </div>
        <div class="fr-col-12 fr-col-md-5">
          <NearMe type={values.type} />
        </div>
      </div>
      {props.choices && (
        <Alert kind="info" title="Plusieurs communes portent ce nom">
          <p>Choisissez la vôtre :</p>
          <ul>
            {props.choices.map((c) => (
              <li key={c.code}>
                <a href={`/lieux?${new URLSearchParams({ q: values.q ?? '', commune: c.code, ...(values.type ? { type: values.type } : {}) }).toString()}`}>
                  {c.name} ({c.postcodes[0]}, département {c.department})
                </a>
              </li>
            ))}
          </ul>
        </Alert>
      )}
      {origin && results && (
        <>
          <h2 class="fr-mt-4w" id="resultats">
            Les plus proches de {origin.label}
          </h2>
          <p class="fr-text--sm">{PRECISION_NOTES[origin.precision]}</p>
          <div
            id="carte"
            class="app-map fr-mb-4w"
            role="region"
            aria-label="Carte des lieux trouvés (la liste ci-dessous donne les mêmes informations)"
            hidden
            data-places={JSON.stringify(markers)}
            data-origin={JSON.stringify({ lat: origin.latitude, lon: origin.longitude, label: origin.label })}
            data-tiles={props.map.tilesUrl}
            data-attribution={props.map.attribution}
          ></div>
          {kinds.map((k) => (
            <PlaceList kind={k} results={results[k]!} key={k} />
          ))}
        </>
      )}
      <p class="fr-text--xs fr-mt-4w">
        Les professionnels habilités viennent du système d’immatriculation des véhicules, les photographes et cabines des agences et exploitants
        agréés, les mairies d’un service de l’agence. Malgré le soin apporté à leur publication, l’agence ne peut garantir l’exactitude ni
        l’exhaustivité de ces informations. Positions des communes : GeoNames (licence CC BY 4.0) et découpage administratif de l’INSEE.
      </p>
      <link rel="stylesheet" href={props.assets.leafletCss} />
      <script src={props.assets.leafletJs} defer></script>
      <script src={props.assets.js} defer></script>
    </Layout>
  );
}

/** The "autour de moi" form: shown by the script only when the browser can give a position. */
function NearMe({ type }: { type?: string }) {
  return (
    <div id="autour-de-moi-bloc" class="app-near-me" hidden>
      <Form action="/lieux/autour-de-moi" id="autour-de-moi">
        <input type="hidden" name="latitude" value="" />
        <input type="hidden" name="longitude" value="" />
        <input type="hidden" name="type" value={type ?? ''} />
        <p class="fr-mb-1w">Ou cherchez près de l’endroit où vous êtes :</p>
        <button type="submit" class="fr-btn fr-btn--secondary fr-icon-map-pin-2-line fr-btn--icon-left">
          Autour de moi
        </button>
        <p class="fr-hint-text fr-mt-1w" id="autour-de-moi-statut" role="status">
          Votre navigateur vous demandera l’autorisation. Votre position sert à cette recherche seulement : elle n’est pas conservée.
        </p>
      </Form>
    </div>
  );
}
