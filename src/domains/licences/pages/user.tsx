import { DownloadLink } from '../../../ui/components/download-link.tsx';
import { DateInput } from '../../../ui/components/date-input.tsx';
import {
  AM_ONLY_REASONS,
  CATEGORIES,
  CATEGORY_KEYS,
  CORRECTION_ERRORS,
  CATEGORY_RULES_URL,
  CORRECTION_EXCLUSIONS,
  DRIVING_WHILE_WAITING,
  EDITABLE,
  NEW_REQUEST_AFTER,
  PIECES,
  REASONS,
  reasonHasCategories,
  reasonHasLicenceNumber,
  reasonNeedsPhoto,
  STATUSES,
  STEP_TITLES,
  STEPS,
  SUSPENSION_ADVICE_DAYS,
  type Piece,
  type Reason,
  type Status,
} from '../model.ts';
import type { LicenceData } from '../tables.ts';
import { REFUSAL_REASONS, formatSize } from '../../../platform/files/attachments.ts';
import type { Attachment } from '../../../platform/files/tables.ts';
import { UPLOAD_HINT } from '../../../platform/files/validation.ts';
import { Alert, Breadcrumb, Stepper, SummaryList, Table } from '../../../ui/components/content.tsx';
import { Checkbox, CheckboxGroup, ErrorSummary, FileInput, Form, RadioGroup, SubmitButton, TextArea, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { formatDate, formatShortDateTime } from '../../../ui/format.ts';
import { Layout } from '../../../ui/layout.tsx';
import { Timeline } from '../../../ui/components/timeline.tsx';
import type { TimelineEntry } from '../../my-requests/timeline.ts';
import { HelpLink } from '../../help/pages/help-link.tsx';
import { StatusBadge, stepHref, StepLayout } from './components.tsx';
import { FALSE_DECLARATION_WARNING } from '../../../ui/components/false-declaration.ts';

type Values = Record<string, string | string[] | undefined>;
const str = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const eur = (cents: number) => `${(cents / 100).toFixed(2).replace('.', ',')} €`;
const frDate = (iso: string | undefined) => (iso && /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso.split('-').reverse().join('/') : (iso ?? ''));

export interface RequestView {
  file: string;
  reason: Reason;
  status: Status;
  forOther: boolean;
  createdAt: Date;
  deletionAt: Date;
  submittedAt: Date | null;
  data: LicenceData;
  neph: string | null;
  photoMode: 'code' | 'classic' | null;
  feeCents: number;
  stampLast4: string | null;
  decisionNote: string | null;
}

// ------------------------------------------------------------------ dashboard

export function LicenceSpacePage(props: { rows: (RequestView & { resumeHref: string })[] }) {
  return (
    <Layout title="Mon espace permis de conduire">
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'Mon espace permis de conduire' }]} />
      <h1>Mon espace permis de conduire</h1>
      <Alert kind="info" small>
        Les demandes sont supprimées 6 mois après leur création, quel que soit leur statut. Vous êtes prévenu par courriel une semaine avant.
      </Alert>
      <p>
        <a class="fr-btn fr-icon-add-line fr-btn--icon-left" href="/permis/demandes/nouvelle">
          Nouvelle demande
        </a>
      </p>
      <Table
        caption="Vos demandes"
        headers={['Dossier', 'Motif', 'État', 'Créée le', 'Supprimée le', 'Action']}
        empty="Vous n’avez aucune demande de permis de conduire."
        rows={props.rows.map((r) => [
          r.file,
          REASONS[r.reason].short,
          <StatusBadge status={r.status} />,
          formatDate(r.createdAt),
          formatDate(r.deletionAt),
          r.status === 'draft' ? (
            <>
              <a href={r.resumeHref}>
                Reprendre<span class="fr-sr-only"> le brouillon {r.file}</span>
              </a>
              <br />
              <a href={`/permis/demandes/${r.file}`}>
                Consulter ou supprimer<span class="fr-sr-only"> le brouillon {r.file}</span>
              </a>
            </>
          ) : (
            <a href={`/permis/demandes/${r.file}`}>
              Consulter<span class="fr-sr-only"> la demande {r.file}</span>
            </a>
          ),
        ])}
      />
      <h2>Que signifie l’état de ma demande ?</h2>
      <Table caption="États d’une demande et actions possibles" headers={['État', 'Signification', 'Actions possibles']} rows={(Object.keys(STATUSES) as Status[]).map((s) => [STATUSES[s].label, STATUSES[s].meaning, STATUSES[s].actions])} />
      <h2>Votre numéro NEPH est désactivé ?</h2>
      <p>
        <a href="/permis/reactivation-neph">Réactiver un numéro NEPH : la démarche de votre département</a>
      </p>
    </Layout>
  );
}

// ------------------------------------------------------------------ step 1: the reason

export function StartPage(props: { values: Values; errors: FieldErrors; reasons: Reason[]; drivingSchool: boolean }) {
  const { values, errors } = props;
  return (
    <Layout title="Nouvelle demande de permis de conduire : motif" hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/permis', label: 'Mon espace permis de conduire' }, { label: 'Nouvelle demande' }]} />
      <ErrorSummary errors={errors} />
      <h1>Nouvelle demande de permis de conduire</h1>
      <Stepper steps={STEPS.map((st) => STEP_TITLES[st])} current={0} />
      <Alert kind="warning" small>
        Le motif ne pourra plus être modifié ensuite : pour en changer, il faudra supprimer le brouillon et recommencer.
      </Alert>
      <Form action="/permis/demandes/nouvelle">
        <input type="hidden" name="idempotency_key" value={str(values.idempotency_key)} />
        <RadioGroup name="reason" label="Motif de la demande" options={props.reasons.map((r) => ({ value: r, label: REASONS[r].label, ...(r === 'title_suspension' ? { hint: SUSPENSION_HINT } : r === 'correction' ? { hint: CORRECTION_HINT } : {}) }))} value={str(values.reason)} error={errors.reason} />
        {props.drivingSchool ? (
          <>
            <input type="hidden" name="for_whom" value="other" />
            <p>En tant qu’école de conduite, vous faites la demande pour votre élève : saisissez son état civil et ses coordonnées, pas les vôtres.</p>
          </>
        ) : (
          <RadioGroup
            name="for_whom"
            label="Pour qui est la demande ?"
            options={[
              { value: 'self', label: 'Pour moi-même' },
              { value: 'other', label: 'Pour une autre personne', hint: 'Par exemple une personne sans accès à internet : vous saisirez son état civil et ses coordonnées, pas les vôtres.' },
            ]}
            value={str(values.for_whom)}
            error={errors.for_whom}
          />
        )}
        <SubmitButton>Commencer la demande</SubmitButton>
      </Form>
    </Layout>
  );
}

// ------------------------------------------------------------------ step 2: details

const CORRECTION_HINT = 'Seulement pour un permis issu d’une demande en ligne validée depuis votre compte ; pour un ancien titre, choisissez « Détérioration du permis de conduire ».';
const SUSPENSION_HINT = `Faites la demande une fois en possession de tous vos documents administratifs, dont l’avis médical, de préférence ${SUSPENSION_ADVICE_DAYS} jours avant la fin de la suspension.`;

export function DetailsPage(props: { r: RequestView; values: Values; errors: FieldErrors; origins: { file: string; reason: Reason; decidedAt: Date | null }[] }) {
  const { r, values, errors } = props;
  if (r.reason === 'correction' && !props.origins.length) return <NothingToCorrectPage r={r} />;
  const order = ['categories', 'neph', 'licence_number', 'country', 'exclusions', 'original_file', 'received_on', 'correction_error', 'correction_detail'];
  return (
    <StepLayout file={r.file} reason={REASONS[r.reason].short} step="details" errors={errors} order={order}>
      <Form action={stepHref(r.file, 'details')}>
        {AM_ONLY_REASONS.includes(r.reason) && <Checkbox name="am_only" label="Je demande l’édition d’un titre doté de la seule catégorie AM" checked={str(values.am_only) === 'oui'} />}
        {reasonHasCategories(r.reason) && (
          <CheckboxGroup
            name="categories"
            label={r.reason === 'registration' ? 'Catégorie(s) que vous souhaitez passer' : 'Catégorie(s) obtenue(s)'}
            hint="L’âge minimum de chaque catégorie est vérifié avec la date de naissance."
            options={CATEGORY_KEYS.map((c) => ({ value: c, label: CATEGORIES[c].label, hint: `À partir de ${CATEGORIES[c].minAge} ans, valable ${CATEGORIES[c].validityYears} ans` }))}
            values={list(values.categories)}
            error={errors.categories}
          />
        )}
        {reasonHasCategories(r.reason) && (
          <p class="fr-text--sm">
            Ce que permet chaque catégorie, et à quelles conditions :{' '}
            <a href={CATEGORY_RULES_URL} target="_blank" rel="noopener" title="Les catégories de permis de conduire sur service-public.fr - nouvelle fenêtre">
              les catégories de permis de conduire (service-public.fr)
            </a>
          </p>
        )}
        {r.reason === 'title_suspension' && (
          <Alert kind="info" small>
            {SUSPENSION_HINT}
          </Alert>
        )}
        <TextInput name="neph" label="Numéro de dossier permis (NEPH) (facultatif)" hint="12 chiffres, au verso de votre permis au-dessus de la puce. Laissez vide si vous ne le connaissez pas." inputMode="numeric" value={str(values.neph)} error={errors.neph} />
        {reasonHasLicenceNumber(r.reason) && <TextInput name="licence_number" label="Numéro du permis" hint="Rubrique 5 au recto de la carte" value={str(values.licence_number)} error={errors.licence_number} />}
        {r.reason === 'foreign_exchange' && <TextInput name="country" label="Pays qui a délivré le permis" value={str(values.country)} error={errors.country} />}
        {r.reason === 'correction' && (
          <>
            <CheckboxGroup
              name="exclusions"
              label="Votre situation (cochez ce qui vous concerne)"
              hint="La correction n’est pas possible dans ces cas."
              options={Object.entries(CORRECTION_EXCLUSIONS).map(([value, e]) => ({ value, label: e.question }))}
              values={list(values.exclusions)}
              error={errors.exclusions}
            />
            <RadioGroup
              name="original_file"
              label="La demande en ligne qui a produit ce titre"
              hint="Seuls les titres issus d’une demande en ligne faite depuis votre compte peuvent être corrigés."
              options={props.origins.map((o) => ({ value: o.file, label: `${o.file} : ${REASONS[o.reason].short}${o.decidedAt ? `, validée le ${formatDate(o.decidedAt)}` : ''}` }))}
              value={str(values.original_file)}
              error={errors.original_file}
            />
            <DateInput name="received_on" label="Date de réception du titre" example="14/10/2026" hint="La correction est possible pour un titre reçu il y a moins de 6 mois." value={str(values.received_on)} error={errors.received_on} />
            <RadioGroup name="correction_error" label="Nature de l’erreur constatée" options={Object.entries(CORRECTION_ERRORS).map(([value, label]) => ({ value, label }))} value={str(values.correction_error)} error={errors.correction_error} />
            <TextArea name="correction_detail" label="Décrivez l’erreur et la mention correcte" maxLength={1000} value={str(values.correction_detail)} error={errors.correction_detail} />
            <p class="fr-hint-text">La photo et la signature sont reprises de la demande initiale et ne peuvent pas être modifiées.</p>
          </>
        )}
        <SubmitButton>Enregistrer et continuer</SubmitButton>
      </Form>
    </StepLayout>
  );
}

/**
 * A correction asked from an account that holds no title a correction applies to (no online request
 * validated in it, FAQ): the form could only be refused, so the page says why and offers the ways out
 * instead — the request for a damaged licence (what the FAQ advises), or back to « Mes démarches »
 * with the draft kept.
 */
function NothingToCorrectPage({ r }: { r: RequestView }) {
  return (
    <StepLayout file={r.file} reason={REASONS[r.reason].short} step="details">
      <Alert kind="warning" title="Aucun titre à corriger dans votre compte">
        <p>
          Seuls les titres issus d’une demande en ligne faite et validée depuis ce compte peuvent être corrigés par cette démarche. Votre compte n’a aucune demande de ce type : un titre
          obtenu autrement (ancien permis, demande en préfecture, échange d’un permis étranger) ne peut pas être corrigé en ligne.
        </p>
        <p>Pour obtenir un titre sans l’erreur, faites une demande de fabrication d’un titre pour détérioration : elle se fait en ligne avec le même compte.</p>
      </Alert>
      <Form action={`/permis/demandes/${r.file}/supprimer`}>
        <input type="hidden" name="ensuite" value="deterioration" />
        <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-3w">
          <li>
            <button type="submit" class="fr-btn">
              Supprimer ce brouillon et faire une demande pour détérioration
            </button>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href="/mes-demarches">
              Revenir à Mes démarches
            </a>
          </li>
        </ul>
      </Form>
    </StepLayout>
  );
}

// ------------------------------------------------------------------ step 3: identity

export function IdentityPage(props: { r: RequestView; values: Values; errors: FieldErrors }) {
  const { r, values, errors } = props;
  const v = (k: string) => str(values[k]);
  return (
    <StepLayout file={r.file} reason={REASONS[r.reason].short} step="identity" errors={errors} order={['family_name', 'usage_name', 'given_names', 'sex', 'birth_date', 'birth_place', 'address_line1', 'postcode', 'commune']}>
      {r.forOther && (
        <Alert kind="info" small>
          Vous faites cette demande pour une autre personne : saisissez ses informations, pas les vôtres.
        </Alert>
      )}
      <Form action={stepHref(r.file, 'identity')}>
        <TextInput name="family_name" label="Nom de naissance" autocomplete={r.forOther ? 'off' : 'family-name'} value={v('family_name')} error={errors.family_name} />
        <TextInput name="usage_name" label="Nom d’usage (facultatif)" value={v('usage_name')} error={errors.usage_name} />
        <TextInput name="given_names" label="Prénom(s)" hint="Dans l’ordre de l’état civil" autocomplete={r.forOther ? 'off' : 'given-name'} value={v('given_names')} error={errors.given_names} />
        <RadioGroup name="sex" label="Sexe" inline options={[{ value: 'F', label: 'Féminin' }, { value: 'M', label: 'Masculin' }]} value={v('sex')} error={errors.sex} />
        <TextInput name="birth_date" label="Date de naissance" hint="Format jj/mm/aaaa, par exemple 14/07/2005" value={frDate(v('birth_date'))} error={errors.birth_date} />
        <TextInput name="birth_place" label="Commune de naissance (et pays si hors de France)" value={v('birth_place')} error={errors.birth_place} />
        <TextInput name="address_line1" label="Adresse : numéro et voie" hint="Le titre est envoyé à cette adresse, sous pli sécurisé" value={v('address_line1')} error={errors.address_line1} />
        <TextInput name="postcode" label="Code postal" inputMode="numeric" value={v('postcode')} error={errors.postcode} />
        <TextInput name="commune" label="Commune" value={v('commune')} error={errors.commune} />
        <SubmitButton>Enregistrer et continuer</SubmitButton>
      </Form>
    </StepLayout>
  );
}

// ------------------------------------------------------------------ step 4: contact and photo-signature

export function ContactPage(props: { r: RequestView; values: Values; errors: FieldErrors; photoLocked: boolean }) {
  const { r, values, errors } = props;
  const v = (k: string) => str(values[k]);
  return (
    <StepLayout file={r.file} reason={REASONS[r.reason].short} step="contact" errors={errors} order={['email', 'mobile', 'photo_mode', 'photo_code']}>
      <Form action={stepHref(r.file, 'contact')}>
        <h2 class="fr-h4">Coordonnées où l’on peut vous joindre</h2>
        {r.forOther && <p>Indiquez les coordonnées de la personne concernée par le permis : elle sera informée des étapes de sa demande.</p>}
        <TextInput name="email" type="email" label="Adresse électronique" autocomplete={r.forOther ? 'off' : 'email'} value={v('email')} error={errors.email} />
        <TextInput name="mobile" type="tel" label="Téléphone portable (facultatif)" hint="Pour être prévenu par SMS, par exemple 06 12 34 56 78" value={v('mobile')} error={errors.mobile} />
        {reasonNeedsPhoto(r.reason) && !props.photoLocked && (
          <>
            <h2 class="fr-h4">Photo et signature</h2>
            <RadioGroup
              name="photo_mode"
              label="Comment fournissez-vous la photo et la signature ?"
              options={[
                { value: 'code', label: 'J’ai un code photo-signature numérique', hint: 'Délivré par un photographe ou une cabine « Agréé services en ligne ANTS ».' },
                { value: 'classic', label: 'Je dispose d’une photo d’identité classique', hint: 'À la fin de la demande, vous imprimerez le formulaire de dépôt photo et signature, à envoyer par courrier.' },
              ]}
              value={v('photo_mode')}
              error={errors.photo_mode}
            />
            <TextInput name="photo_code" label="Code photo-signature (si vous en avez un)" hint="22 chiffres, inscrits sur la planche photo. Un code ne sert qu’une fois." spellcheck={false} value={v('photo_code')} error={errors.photo_code} />
          </>
        )}
        {!reasonNeedsPhoto(r.reason) && <p>La photo et la signature sont reprises de la demande initiale.</p>}
        <SubmitButton>Enregistrer et continuer</SubmitButton>
      </Form>
    </StepLayout>
  );
}

// ------------------------------------------------------------------ step 5: pieces

export function PiecesPage(props: { r: RequestView; required: Piece[]; pieces: Attachment[]; errors: FieldErrors }) {
  const { r, errors } = props;
  return (
    <StepLayout file={r.file} reason={REASONS[r.reason].short} step="pieces" errors={errors} order={props.required}>
      <p>Les pièces sont fournies au format numérique (scanner ou smartphone), lisibles et bien éclairées. {UPLOAD_HINT}</p>
      <Form action={stepHref(r.file, 'pieces')} enctype="multipart/form-data">
        {props.required.map((p) => {
          const have = props.pieces.filter((a) => a.purpose === p);
          return (
            <div key={p}>
              <FileInput name={p} label={PIECES[p].label} hint={`${PIECES[p].hint ? `${PIECES[p].hint} ` : ''}${have.length ? 'Déjà joint : ajoutez un fichier pour le compléter ou le remplacer.' : UPLOAD_HINT}`} error={errors[p]} />
              {have.length > 0 && (
                <ul class="fr-mb-3w">
                  {have.map((a) => (
                    <li key={a.id}>
                      {a.filename} ({formatSize(a.size_bytes)}){a.review_status === 'refused' ? ` — refusée : ${REFUSAL_REASONS[a.review_reason as keyof typeof REFUSAL_REASONS] ?? ''}${a.review_note ? ` (${a.review_note})` : ''}` : a.review_status === 'accepted' ? ' — acceptée' : ''}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          );
        })}
        <ul class="fr-btns-group fr-btns-group--inline-sm">
          <li>
            <button type="submit" class="fr-btn" name="action" value="continue">
              Enregistrer et continuer
            </button>
          </li>
          <li>
            <button type="submit" class="fr-btn fr-btn--secondary" name="action" value="add">
              Joindre et rester sur cette page
            </button>
          </li>
        </ul>
      </Form>
    </StepLayout>
  );
}

// ------------------------------------------------------------------ summary rows (summary and consult)

function rows(r: RequestView, editable: boolean) {
  const d = r.data;
  const i = d.identity;
  const href = (s: 'details' | 'identity' | 'contact' | 'pieces') => (editable ? stepHref(r.file, s) : undefined);
  return [
    { key: 'Motif', value: REASONS[r.reason].label },
    { key: 'Demande faite', value: r.forOther ? 'Pour une autre personne' : 'Pour moi-même' },
    ...(d.details?.categories?.length ? [{ key: 'Catégories', value: d.details.categories.join(', '), changeHref: href('details') }] : []),
    { key: 'Numéro NEPH', value: r.neph ?? 'Non renseigné', changeHref: href('details') },
    ...(d.details?.licence_number ? [{ key: 'Numéro du permis', value: d.details.licence_number, changeHref: href('details') }] : []),
    ...(d.details?.country ? [{ key: 'Pays de délivrance', value: d.details.country, changeHref: href('details') }] : []),
    ...(d.details?.correction_error ? [{ key: 'Erreur constatée', value: `${CORRECTION_ERRORS[d.details.correction_error as keyof typeof CORRECTION_ERRORS] ?? ''} : ${d.details.correction_detail ?? ''}`, changeHref: href('details') }] : []),
    ...(i
      ? [
          { key: 'Personne concernée', value: `${i.given_names} ${i.family_name.toUpperCase()}${i.usage_name ? ` (nom d’usage ${i.usage_name})` : ''}`, changeHref: href('identity') },
          { key: 'Naissance', value: `${frDate(i.birth_date)} à ${i.birth_place}`, changeHref: href('identity') },
          { key: 'Adresse', value: `${i.address_line1}, ${i.postcode} ${i.commune}`, changeHref: href('identity') },
        ]
      : []),
    ...(d.contact ? [{ key: 'Coordonnées', value: [d.contact.email, d.contact.mobile].filter(Boolean).join(' — '), changeHref: href('contact') }] : []),
    ...(reasonNeedsPhoto(r.reason)
      ? [{ key: 'Photo et signature', value: r.photoMode === 'code' ? 'Code photo-signature numérique' : r.photoMode === 'classic' ? 'Photo d’identité classique (formulaire à envoyer par courrier)' : 'Non renseignées', changeHref: r.status === 'draft' ? href('contact') : undefined }]
      : []),
  ];
}

export function SummaryPage(props: { r: RequestView; pieces: Attachment[]; feeCents: number; values: Values; errors: FieldErrors }) {
  const { r, errors } = props;
  const resubmit = r.status === 'to_complete';
  return (
    <StepLayout file={r.file} reason={REASONS[r.reason].short} step="summary" errors={errors} order={['stamp_number', 'clu']}>
      {resubmit && r.decisionNote && (
        <Alert kind="warning" title="Ce que l’administration vous demande">
          <p>{r.decisionNote}</p>
        </Alert>
      )}
      <SummaryList rows={[...rows(r, true), { key: 'Pièces jointes', value: props.pieces.map((a) => a.filename).join(', ') || 'Aucune', changeHref: stepHref(r.file, 'pieces') }]} />
      <Form action={stepHref(r.file, 'summary')}>
        {props.feeCents > 0 && !resubmit && (
          <>
            <h2 class="fr-h4">Timbre fiscal électronique : {eur(props.feeCents)}</h2>
            <p>
              Cette demande est payante. Achetez un timbre fiscal électronique (sur timbres.impots.gouv.fr, chez un buraliste agréé, ou dans la{' '}
              <a href={`/timbres?retour=${encodeURIComponent(stepHref(r.file, 'summary'))}`}>boutique de démonstration</a>, qui vous ramène ici), puis saisissez son numéro. Il est vérifié maintenant et utilisé à l’envoi de la demande.
            </p>
            <TextInput name="stamp_number" label="Numéro du timbre fiscal électronique" hint="16 chiffres, par exemple 1234 5678 9012 3456" inputMode="numeric" spellcheck={false} value={str(props.values.stamp_number)} error={errors.stamp_number} />
          </>
        )}
        <Checkbox name="clu" label="J’accepte les conditions légales d’utilisation et je certifie exactes les informations de la demande *" hint={FALSE_DECLARATION_WARNING} error={errors.clu} />
        <p class="fr-hint-text">* Case obligatoire.</p>
        <SubmitButton>{resubmit ? 'Renvoyer la demande complétée' : 'Valider la demande'}</SubmitButton>
      </Form>
    </StepLayout>
  );
}

// ------------------------------------------------------------------ consult ("Consulter")

export function RequestPage(props: { r: RequestView; pieces: Attachment[]; documents: ('recepisse' | 'fps' | 'attestation')[]; documentSizes?: Partial<Record<'recepisse' | 'fps' | 'attestation', number | null>>; resumeHref: string; timeline?: TimelineEntry[] }) {
  const { r } = props;
  const s = STATUSES[r.status];
  const docs = props.documents;
  const base = `/permis/demandes/${r.file}`;
  return (
    <Layout title={`Demande de permis ${r.file}`}>
      <Breadcrumb items={[{ href: '/permis', label: 'Mon espace permis de conduire' }, { label: `Demande ${r.file}` }]} />
      <h1>Demande {r.file}</h1>
      <StatusBadge status={r.status} />
      <p class="fr-mt-2w">{s.meaning}</p>
      <p>
        <strong>Actions possibles :</strong> {s.actions}.
      </p>
      {r.status === 'rejected' && r.decisionNote && (
        <Alert kind="error" title="Motif du rejet">
          <p>{r.decisionNote}</p>
        </Alert>
      )}
      {r.status === 'images_rejected' && r.decisionNote && (
        <Alert kind="error" title="Photo et signature non conformes">
          <p>{r.decisionNote}</p>
        </Alert>
      )}
      {r.status === 'to_complete' && (
        <Alert kind="warning" title="Votre demande est à compléter">
          {r.decisionNote && <p>{r.decisionNote}</p>}
          <p>
            <a href={props.resumeHref}>Modifier la demande</a>
          </p>
        </Alert>
      )}
      {r.status === 'validated' && r.reason === 'registration' && r.neph && (
        <Alert kind="success" title="Votre numéro NEPH">
          <p>Votre numéro de dossier permis (NEPH) est {r.neph} : vous pouvez vous inscrire à l’examen du code.</p>
        </Alert>
      )}
      {r.reason === 'loss' && r.status !== 'draft' && !docs.includes('attestation') && (
        <Alert kind="warning" title="Vous n’êtes pas autorisé à conduire">
          <p>Dans l’attente de l’attestation de droits à conduire, disponible après vérification par l’administration, vous n’êtes pas autorisé à conduire un véhicule. Vous serez prévenu par courriel et SMS.</p>
        </Alert>
      )}
      {DRIVING_WHILE_WAITING[r.reason] && r.status !== 'draft' && !NEW_REQUEST_AFTER.includes(r.status) && (
        <Alert kind="info" title="Avec quel document circuler en attendant le nouveau permis ?">
          {DRIVING_WHILE_WAITING[r.reason]!.map((line) => (
            <p>{line}</p>
          ))}
          <HelpLink topic="permis-circuler-en-attendant" label="avec quel document circuler, selon le motif" />
        </Alert>
      )}
      {r.status === 'draft' && (
        <ul class="fr-btns-group fr-btns-group--inline-sm">
          <li>
            <a class="fr-btn" href={props.resumeHref}>
              Reprendre le brouillon
            </a>
          </li>
          <li>
            <Form action={`${base}/supprimer`}>
              <button type="submit" class="fr-btn fr-btn--secondary">
                Supprimer le brouillon
              </button>
            </Form>
          </li>
        </ul>
      )}
      {NEW_REQUEST_AFTER.includes(r.status) && (
        <p>
          <a class="fr-btn" href="/permis/demandes/nouvelle">
            Faire une nouvelle demande
          </a>
        </p>
      )}
      {docs.includes('recepisse') || docs.includes('attestation') ? (
        <>
          <h2>Documents</h2>
          <ul>
            {docs.includes('recepisse') && (
              <li>
                <DownloadLink href={`${base}/documents/recepisse.pdf`} label="Récépissé de dépôt de la demande" bytes={props.documentSizes?.recepisse} />
              </li>
            )}
            {docs.includes('attestation') && (
              <li>
                <DownloadLink href={`${base}/documents/attestation.pdf`} label="Attestation de droits à conduire" bytes={props.documentSizes?.attestation} />
              </li>
            )}
          </ul>
        </>
      ) : null}
      {reasonNeedsPhoto(r.reason) && (
        <>
          <h2>Photo / signature de la personne concernée par le titre</h2>
          {r.photoMode === 'classic' ? (
            docs.includes('fps') ? (
              <p>
                Imprimez le formulaire, collez-y votre photo, signez-le et envoyez-le en courrier simple, sans aucun autre document, à l’adresse indiquée :{' '}
                <DownloadLink href={`${base}/documents/fps.pdf`} label="formulaire dépôt photo et signature" bytes={props.documentSizes?.fps} />
              </p>
            ) : (
              <p>Le formulaire de dépôt photo et signature sera disponible ici à la fin de la demande.</p>
            )
          ) : r.photoMode === 'code' ? (
            <p>Photo et signature numériques, transmises par le code photo-signature.</p>
          ) : (
            <p>Pas encore renseignées.</p>
          )}
        </>
      )}
      <h2>Votre demande</h2>
      <SummaryList rows={[...rows(r, false), ...(r.submittedAt ? [{ key: 'Envoyée le', value: formatShortDateTime(r.submittedAt) }] : []), ...(r.feeCents ? [{ key: 'Timbre fiscal', value: `${eur(r.feeCents)} (timbre n° •••• ${r.stampLast4 ?? ''})` }] : []), { key: 'Supprimée le', value: formatDate(r.deletionAt) }]} />
      <h2>Pièces jointes</h2>
      <Table
        caption="Pièces justificatives"
        headers={['Pièce', 'Fichier', 'Examen']}
        empty="Aucune pièce jointe."
        rows={props.pieces.map((a) => [
          PIECES[a.purpose as Piece]?.label ?? a.purpose,
          <>
            <a href={`${base}/pieces/${a.id}`} target="_blank" rel="noopener" title={`${a.filename} - nouvelle fenêtre`}>
              {a.filename}
            </a>{' '}
            ({formatSize(a.size_bytes)})
          </>,
          a.review_status === 'pending' ? 'À examiner' : a.review_status === 'accepted' ? 'Acceptée' : `Refusée : ${REFUSAL_REASONS[a.review_reason as keyof typeof REFUSAL_REASONS] ?? ''}${a.review_note ? ` (${a.review_note})` : ''}`,
        ])}
      />
      {EDITABLE.includes(r.status) && r.status !== 'draft' && <p>Vous pouvez modifier toutes les informations sauf le motif.</p>}
      {props.timeline && <Timeline entries={props.timeline} />}
    </Layout>
  );
}

// ------------------------------------------------------------------ public pages

export function VerifyPage(props: { found: { fileNumber: string; reason: string; status: Status; submittedAt: Date | null; initials: string } | null }) {
  const f = props.found;
  return (
    <Layout title="Vérification d’un document de permis de conduire">
      <h1>Vérification d’un document de permis de conduire</h1>
      {f ? (
        <>
          <Alert kind="success" title="Document authentique">
            <p>Ce document a été émis par l’Agence nationale des titres sécurisés.</p>
          </Alert>
          <SummaryList
            rows={[
              { key: 'Dossier', value: f.fileNumber },
              { key: 'Motif', value: f.reason },
              { key: 'Personne concernée (initiales)', value: f.initials },
              { key: 'Envoyée le', value: f.submittedAt ? formatShortDateTime(f.submittedAt) : '—' },
              { key: 'État actuel', value: STATUSES[f.status].label },
            ]}
          />
        </>
      ) : (
        <Alert kind="error" title="Document inconnu">
          <p>Ce lien de vérification ne correspond à aucun document émis, ou la demande a été supprimée (6 mois après sa création).</p>
        </Alert>
      )}
    </Layout>
  );
}

export function PhotoBoothPage(props: { code: string | null; idempotencyKey: string }) {
  return (
    <Layout title="Cabine photo agréée (démonstration)">
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: 'Cabine photo agréée (démonstration)' }]} />
      <h1>Cabine photo agréée (démonstration)</h1>
      <p>Cette page simule un photographe ou une cabine « Agréé services en ligne ANTS » : elle délivre un code photo-signature de 22 chiffres, valable 6 mois et utilisable une seule fois.</p>
      {props.code && (
        <>
          <Alert kind="success" title="Votre code photo-signature">
            <p>Notez ces 22 chiffres, ou gardez la planche photo : vous les saisirez dans votre demande de permis de conduire.</p>
          </Alert>
          {/* outside the alert, whose margins would leave 22 digits too little room on a phone */}
          <p class="app-long-code fr-mt-2w" id="code-photo-signature">
            <strong class="app-code">{props.code}</strong>
          </p>
        </>
      )}
      <Form action="/photo-signature/cabine-demo">
        <input type="hidden" name="idempotency_key" value={props.idempotencyKey} />
        <SubmitButton>Prendre une photo et obtenir un code</SubmitButton>
      </Form>
    </Layout>
  );
}
