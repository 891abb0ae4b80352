import { fileDetail } from '../../platform/pdf/measured-size.ts';
import type { ComponentChildren } from 'preact';
import {
  DOCUMENT_LABELS,
  EYE_COLOURS,
  EYE_LABELS,
  groupNumber,
  REASON_LABELS,
  STEP_SLUGS,
  STEP_TITLES,
  STEPS,
  VALIDITY_MONTHS,
  type Fee,
  type PreApplicationStep,
} from './model.ts';
import type { PreApplication } from './tables.ts';
import { formatCents } from '../stamps/model.ts';
import { Alert, Breadcrumb, Stepper, SummaryList, Table } from '../../ui/components/content.tsx';
import { Checkbox, ErrorSummary, Form, RadioGroup, Select, SubmitButton, TextInput, type FieldErrors } from '../../ui/components/form.tsx';
import { formatDate, formatShortDateTime } from '../../ui/format.ts';
import { Layout } from '../../ui/layout.tsx';
import { Timeline } from '../../ui/components/timeline.tsx';
import type { TimelineEntry } from '../my-requests/timeline.ts';
import { FALSE_DECLARATION_WARNING } from '../../ui/components/false-declaration.ts';

type Values = Record<string, string | undefined>;
const frenchDate = (iso: string | undefined) => (iso ? iso.split('-').reverse().join('/') : undefined);
const stepHref = (id: number, step: PreApplicationStep) => `/pre-demandes/${id}/${STEP_SLUGS[step]}`;

/** The state a person reads, for the user's list and the town hall. */
export function statusText(p: PreApplication, now = new Date()): string {
  if (p.status === 'draft') return 'Brouillon, à terminer';
  if (p.status === 'taken') return `Demande déposée à la ${p.town_hall_name} le ${formatDate(p.taken_at!)} (n° ${p.application_number})`;
  if (p.expires_at && p.expires_at <= now) return `Expirée le ${formatDate(p.expires_at)} : faites une nouvelle pré-demande`;
  return `Enregistrée, à présenter en mairie avant le ${formatDate(p.expires_at!)}`;
}

const fullName = (p: PreApplication) => [p.data.givenNames, p.data.birthName?.toUpperCase()].filter(Boolean).join(' ') || 'Identité à compléter';

// ---------------------------------------------------------------------------------------------
// The user's side

export function PreApplicationListPage(props: { items: PreApplication[]; idempotencyKey: string; errors?: FieldErrors }) {
  const errors = props.errors ?? {};
  return (
    <Layout title="Mes pré-demandes" hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[{ href: '/compte', label: 'Mon compte' }, { label: 'Mes pré-demandes' }]} />
      <ErrorSummary errors={errors} />
      <h1>Mes pré-demandes de carte d’identité et de passeport</h1>
      <p>
        Remplissez votre pré-demande en ligne, pour vous ou pour un enfant mineur : vous obtenez un numéro et un QR code à présenter en mairie,
        valables {VALIDITY_MONTHS} mois. La mairie relève vos empreintes et enregistre la demande.
      </p>
      <Form action="/pre-demandes/nouvelle">
        <input type="hidden" name="idempotency_key" value={props.idempotencyKey} />
        <SubmitButton>Faire une pré-demande</SubmitButton>
      </Form>
      <h2 class="fr-mt-6w">Mes pré-demandes</h2>
      <Table
        caption="Vos pré-demandes, les plus récentes d’abord"
        headers={['Titre', 'Personne', 'Numéro', 'État']}
        empty="Vous n’avez fait aucune pré-demande."
        rows={props.items.map((p) => [
          <a href={`/pre-demandes/${p.id}`}>{p.status === 'draft' && !p.data.reason ? 'Pré-demande à compléter' : DOCUMENT_LABELS[p.document]}</a>,
          fullName(p),
          p.number ? groupNumber(p.number) : '—',
          statusText(p),
        ])}
      />
      <p class="fr-mt-4w">
        <a class="fr-link" href="/timbres">
          Mes timbres fiscaux
        </a>
      </p>
    </Layout>
  );
}

function FeeBox({ fee, document }: { fee: Fee | null; document: PreApplication['document'] | null }) {
  if (!fee)
    return (
      <Alert kind="info" small>
        <p>
          Carte d’identité : gratuite (25 € de timbre fiscal après une perte ou un vol). Passeport : 86 € pour un majeur, 42 € de 15 à 17 ans, 17 €
          avant 15 ans. En Guyane, ces montants sont divisés par deux.
          {document === 'passport' && ' Le montant exact s’affiche dès que la date de naissance est connue.'}
        </p>
      </Alert>
    );
  return (
    <Alert kind="info" small>
      <p>
        {fee.cents > 0 ? <>Timbre fiscal à fournir : <strong>{formatCents(fee.cents)}</strong> ({fee.why}).</> : <><strong>Gratuit</strong> : {fee.why}.</>}
      </p>
    </Alert>
  );
}

function StepLayout(props: { p: PreApplication; step: PreApplicationStep; fee: Fee | null; errors: FieldErrors; children: ComponentChildren }) {
  const hasErrors = Object.keys(props.errors).length > 0;
  return (
    <Layout title={`Pré-demande : ${STEP_TITLES[props.step]}`} hasErrors={hasErrors}>
      <Breadcrumb items={[{ href: '/pre-demandes', label: 'Mes pré-demandes' }, { label: 'Pré-demande en cours' }]} />
      <ErrorSummary errors={props.errors} />
      <h1>Pré-demande de carte d’identité ou de passeport</h1>
      <Stepper steps={STEPS.map((s) => STEP_TITLES[s])} current={STEPS.indexOf(props.step)} />
      <FeeBox fee={props.fee} document={props.p.data.reason ? props.p.document : null} />
      {props.children}
      {props.step !== 'document' && (
        <p class="fr-mt-3w">
          <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={stepHref(props.p.id, STEPS[STEPS.indexOf(props.step) - 1]!)}>
            Étape précédente
          </a>
        </p>
      )}
    </Layout>
  );
}

export function StepPage(props: { p: PreApplication; step: Exclude<PreApplicationStep, 'summary'>; fee: Fee | null; values: Values; errors: FieldErrors }) {
  const { p, step, values: v, errors: e } = props;
  const action = stepHref(p.id, step);
  return (
    <StepLayout p={p} step={step} fee={props.fee} errors={e}>
      <Form action={action}>
        {step === 'document' && (
          <>
            <RadioGroup name="document" label="Quel titre demandez-vous ?" value={v.document} error={e.document} options={[{ value: 'identity_card', label: DOCUMENT_LABELS.identity_card }, { value: 'passport', label: DOCUMENT_LABELS.passport }]} />
            <RadioGroup
              name="forWhom"
              label="Pour qui ?"
              value={v.forWhom}
              error={e.forWhom}
              options={[
                { value: 'self', label: 'Pour moi' },
                { value: 'other', label: 'Pour un enfant mineur ou une autre personne', hint: 'Vous êtes son représentant légal ; la personne devra être présente en mairie.' },
              ]}
            />
            <RadioGroup name="reason" label="Motif de la demande" value={v.reason} error={e.reason} options={(['first', 'renewal', 'loss', 'theft'] as const).map((r) => ({ value: r, label: REASON_LABELS[r] }))} />
          </>
        )}
        {step === 'identity' && (
          <>
            <RadioGroup name="sex" label="Sexe" inline value={v.sex} error={e.sex} options={[{ value: 'F', label: 'Féminin' }, { value: 'M', label: 'Masculin' }]} />
            <TextInput name="birthName" label="Nom de naissance" autocomplete="family-name" value={v.birthName} error={e.birthName} />
            <TextInput name="usageName" label="Nom d’usage (facultatif)" hint="Nom d’époux ou d’épouse, ou nom des deux parents" value={v.usageName} error={e.usageName} />
            <TextInput name="givenNames" label="Prénoms" hint="Tous les prénoms, dans l’ordre de l’acte de naissance, séparés par une virgule" autocomplete="given-name" value={v.givenNames} error={e.givenNames} />
            <TextInput name="birthDate" label="Date de naissance" hint="Format JJ/MM/AAAA, par exemple 27/03/2007" autocomplete="bday" inputMode="numeric" value={v.birthDate} error={e.birthDate} />
            <TextInput name="birthPlace" label="Commune de naissance" value={v.birthPlace} error={e.birthPlace} />
            <TextInput name="birthCountry" label="Pays de naissance" value={v.birthCountry} error={e.birthCountry} />
          </>
        )}
        {step === 'parents' && (
          <>
            <p>Indiquez les parents tels qu’ils figurent sur l’acte de naissance.</p>
            <TextInput name="parent1Name" label="Nom du premier parent" value={v.parent1Name} error={e.parent1Name} />
            <TextInput name="parent1GivenNames" label="Prénoms du premier parent" value={v.parent1GivenNames} error={e.parent1GivenNames} />
            <TextInput name="parent2Name" label="Nom du second parent (facultatif)" hint="Laissez vide si l’acte de naissance n’en mentionne qu’un" value={v.parent2Name} error={e.parent2Name} />
            <TextInput name="parent2GivenNames" label="Prénoms du second parent (facultatif)" value={v.parent2GivenNames} error={e.parent2GivenNames} />
          </>
        )}
        {step === 'address' && (
          <>
            <TextInput name="line1" label="Numéro et voie" hint="Par exemple 12 rue de la République" autocomplete="address-line1" value={v.line1} error={e.line1} />
            <TextInput name="line2" label="Complément d’adresse (facultatif)" autocomplete="address-line2" value={v.line2} error={e.line2} />
            <TextInput name="postcode" label="Code postal" autocomplete="postal-code" inputMode="numeric" value={v.postcode} error={e.postcode} />
            <TextInput name="commune" label="Commune" autocomplete="address-level2" value={v.commune} error={e.commune} />
            <TextInput name="heightCm" label="Taille (en centimètres)" hint="Par exemple 172" inputMode="numeric" value={v.heightCm} error={e.heightCm} />
            <Select name="eyes" label="Couleur des yeux" value={v.eyes} error={e.eyes} options={EYE_COLOURS.map((c) => ({ value: c, label: EYE_LABELS[c] }))} />
          </>
        )}
        <SubmitButton>Enregistrer et continuer</SubmitButton>
      </Form>
    </StepLayout>
  );
}

export function SummaryPage(props: { p: PreApplication; fee: Fee; values: Values; errors: FieldErrors }) {
  const { p, fee, errors: e } = props;
  const d = p.data;
  return (
    <StepLayout p={p} step="summary" fee={fee} errors={e}>
      <h2 class="fr-h4">Titre demandé</h2>
      <SummaryList
        rows={[
          { key: 'Titre', value: DOCUMENT_LABELS[p.document], changeHref: stepHref(p.id, 'document') },
          { key: 'Pour', value: d.forWhom === 'other' ? 'Un enfant mineur ou une autre personne' : 'Moi-même' },
          { key: 'Motif', value: d.reason ? REASON_LABELS[d.reason] : '' },
        ]}
      />
      <h2 class="fr-h4">État civil</h2>
      <SummaryList
        rows={[
          { key: 'Nom de naissance', value: d.birthName?.toUpperCase(), changeHref: stepHref(p.id, 'identity') },
          ...(d.usageName ? [{ key: 'Nom d’usage', value: d.usageName.toUpperCase() }] : []),
          { key: 'Prénoms', value: d.givenNames },
          { key: 'Sexe', value: d.sex === 'F' ? 'Féminin' : 'Masculin' },
          { key: 'Naissance', value: `${frenchDate(d.birthDate)}, ${d.birthPlace} (${d.birthCountry})` },
        ]}
      />
      <h2 class="fr-h4">Filiation</h2>
      <SummaryList
        rows={[
          { key: 'Premier parent', value: `${d.parent1Name?.toUpperCase()} ${d.parent1GivenNames}`, changeHref: stepHref(p.id, 'parents') },
          { key: 'Second parent', value: d.parent2Name ? `${d.parent2Name.toUpperCase()} ${d.parent2GivenNames}` : 'Non renseigné' },
        ]}
      />
      <h2 class="fr-h4">Adresse et signalement</h2>
      <SummaryList
        rows={[
          { key: 'Adresse', value: [d.line1, d.line2, `${d.postcode} ${d.commune}`].filter(Boolean).join(', '), changeHref: stepHref(p.id, 'address') },
          { key: 'Taille', value: `${d.heightCm} cm` },
          { key: 'Yeux', value: d.eyes ? EYE_LABELS[d.eyes] : '' },
        ]}
      />
      <Form action={`/pre-demandes/${p.id}/valider`}>
        {fee.cents > 0 && (
          <>
            <h2 class="fr-h4">Timbre fiscal de {formatCents(fee.cents)}</h2>
            <TextInput
              name="stamp"
              label="Numéro du timbre fiscal électronique"
              hint="16 chiffres, espaces permis. Le timbre est utilisé dès la validation de la pré-demande."
              inputMode="numeric"
              autocomplete="off"
              value={props.values.stamp}
              error={e.stamp}
            />
            <p>
              Pas encore de timbre ? <a href={`/timbres?retour=${encodeURIComponent(`/pre-demandes/${p.id}`)}`}>Achetez un timbre de {formatCents(fee.cents)} dans la boutique de démonstration</a> : elle vous ramène ici.
            </p>
          </>
        )}
        <Checkbox name="certify" label="Je certifie exactes les informations de cette pré-demande" hint={FALSE_DECLARATION_WARNING} checked={props.values.certify === 'oui'} error={e.certify} />
        <SubmitButton>Valider la pré-demande</SubmitButton>
      </Form>
    </StepLayout>
  );
}

export function PreApplicationPage(props: { p: PreApplication; qrDataUrl: string; timeline?: TimelineEntry[]; recapBytes?: number | null }) {
  const { p } = props;
  const expired = p.status === 'submitted' && !!p.expires_at && p.expires_at <= new Date();
  return (
    <Layout title={`Pré-demande ${groupNumber(p.number!)}`}>
      <Breadcrumb items={[{ href: '/pre-demandes', label: 'Mes pré-demandes' }, { label: `Pré-demande ${groupNumber(p.number!)}` }]} />
      <h1>Pré-demande de {DOCUMENT_LABELS[p.document].toLowerCase()}</h1>
      {p.status === 'taken' ? (
        <Alert kind="success" title="Demande déposée en mairie">
          <p>
            La {p.town_hall_name} a enregistré votre demande le {formatDate(p.taken_at!)}. Numéro de la demande : <strong>{p.application_number}</strong>.
          </p>
        </Alert>
      ) : expired ? (
        <Alert kind="warning" title="Pré-demande expirée">
          <p>Cette pré-demande n’a pas été présentée en mairie avant le {formatDate(p.expires_at!)} : faites une nouvelle pré-demande.</p>
        </Alert>
      ) : (
        <Alert kind="success" title="Pré-demande enregistrée">
          <p>
            Présentez ce numéro ou le QR code dans une mairie équipée d’un dispositif de recueil avant le {formatDate(p.expires_at!)}, avec vos pièces
            justificatives.
          </p>
        </Alert>
      )}
      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-8">
          <SummaryList
            rows={[
              { key: 'Numéro de pré-demande', value: <strong class="fr-text--lead">{groupNumber(p.number!)}</strong> },
              { key: 'Personne', value: fullName(p) },
              { key: 'Motif', value: p.data.reason ? REASON_LABELS[p.data.reason] : '' },
              { key: 'Enregistrée le', value: formatShortDateTime(p.submitted_at!) },
              { key: 'État', value: statusText(p) },
              { key: 'Timbre fiscal', value: p.fee_cents > 0 ? `${formatCents(p.fee_cents)}, timbre se terminant par ${p.stamp_last4}` : 'Aucun (gratuit)' },
            ]}
          />
          <p>
            <a class="fr-link fr-link--download" href={`/pre-demandes/${p.id}/recapitulatif.pdf`} download>
              Télécharger le récapitulatif à imprimer <span class="fr-link__detail">({fileDetail(props.recapBytes)})</span>
            </a>
          </p>
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <img src={props.qrDataUrl} width={180} height={180} alt={`QR code de la pré-demande ${groupNumber(p.number!)}, à présenter en mairie`} />
        </div>
      </div>
      {props.timeline && <Timeline entries={props.timeline} />}
    </Layout>
  );
}

// ---------------------------------------------------------------------------------------------
// The town hall's side

export function TownHallSearchPage(props: { value?: string; error?: string; notice?: ComponentChildren; status?: number }) {
  const errors: FieldErrors = props.error ? { numero: props.error } : {};
  return (
    <Layout title="Retrouver une pré-demande" hasErrors={!!props.error}>
      <Breadcrumb items={[{ href: '/compte', label: 'Mon compte' }, { label: 'Pré-demandes' }]} />
      <ErrorSummary errors={errors} />
      <h1>Retrouver une pré-demande</h1>
      {props.notice}
      <p>Scannez le QR code du récapitulatif avec l’appareil photo de votre poste ou de votre tablette : il ouvre directement la pré-demande. Sinon, saisissez le numéro.</p>
      <div id="qr-scan" class="fr-mb-4w" hidden>
        <button type="button" class="fr-btn fr-btn--secondary fr-icon-camera-line fr-btn--icon-left" id="qr-scan-start">
          Scanner le QR code avec la caméra
        </button>
        <video id="qr-scan-video" hidden muted playsInline width={320} height={240} aria-label="Image de la caméra pour lire le QR code"></video>
        <p id="qr-scan-status" role="status" aria-live="polite"></p>
      </div>
      <Form action="/mairie/pre-demandes" method="get">
        <TextInput name="numero" label="Numéro de pré-demande" hint="10 caractères, lettres et chiffres, par exemple AB3CD 7EF9G" autocomplete="off" spellcheck={false} value={props.value} error={props.error} />
        <SubmitButton>Rechercher</SubmitButton>
      </Form>
      <script src="/mairie/qr-scan.js" defer></script>
    </Layout>
  );
}

export function TownHallPreApplicationPage(props: { p: PreApplication; taken: boolean; values: Values; errors: FieldErrors }) {
  const { p } = props;
  const d = p.data;
  return (
    <Layout title={`Pré-demande ${groupNumber(p.number!)}`} hasErrors={Object.keys(props.errors).length > 0}>
      <Breadcrumb items={[{ href: '/mairie/pre-demandes', label: 'Pré-demandes' }, { label: groupNumber(p.number!) }]} />
      <ErrorSummary errors={props.errors} />
      <h1>
        Pré-demande {groupNumber(p.number!)} — {DOCUMENT_LABELS[p.document]}
      </h1>
      {props.taken ? (
        <Alert kind="success" title="Dossier enregistré par votre mairie">
          <p>
            Demande n° <strong>{p.application_number}</strong>, enregistrée le {formatShortDateTime(p.taken_at!)}.
          </p>
        </Alert>
      ) : (
        <Alert kind="info" small>
          <p>Valable jusqu’au {formatDate(p.expires_at!)}. Vérifiez les pièces justificatives et relevez les empreintes avant d’enregistrer le dépôt.</p>
        </Alert>
      )}
      <SummaryList
        rows={[
          { key: 'Motif', value: d.reason ? REASON_LABELS[d.reason] : '' },
          { key: 'Demandée', value: d.forWhom === 'other' ? 'Par un représentant légal ou un tiers' : 'Par la personne elle-même' },
          { key: 'Nom de naissance', value: d.birthName?.toUpperCase() },
          ...(d.usageName ? [{ key: 'Nom d’usage', value: d.usageName.toUpperCase() }] : []),
          { key: 'Prénoms', value: d.givenNames },
          { key: 'Sexe', value: d.sex === 'F' ? 'Féminin' : 'Masculin' },
          { key: 'Naissance', value: `${frenchDate(d.birthDate)}, ${d.birthPlace} (${d.birthCountry})` },
          { key: 'Premier parent', value: `${d.parent1Name?.toUpperCase()} ${d.parent1GivenNames}` },
          { key: 'Second parent', value: d.parent2Name ? `${d.parent2Name.toUpperCase()} ${d.parent2GivenNames}` : 'Non renseigné' },
          { key: 'Adresse', value: [d.line1, d.line2, `${d.postcode} ${d.commune}`].filter(Boolean).join(', ') },
          { key: 'Taille', value: `${d.heightCm} cm` },
          { key: 'Yeux', value: d.eyes ? EYE_LABELS[d.eyes] : '' },
          { key: 'Timbre fiscal', value: p.fee_cents > 0 ? `${formatCents(p.fee_cents)}, utilisé (se termine par ${p.stamp_last4})` : 'Aucun (gratuit)' },
        ]}
      />
      {!props.taken && (
        <>
          <h2>Enregistrer le dépôt du dossier</h2>
          <Form action={`/mairie/pre-demandes/${p.number}/depot`}>
            <TextInput
              name="applicationNumber"
              label="Numéro de la demande"
              hint="Le numéro donné par le dispositif de recueil à l’enregistrement, de 5 à 20 caractères"
              autocomplete="off"
              value={props.values.applicationNumber}
              error={props.errors.applicationNumber}
            />
            <SubmitButton>Enregistrer le dépôt</SubmitButton>
          </Form>
        </>
      )}
      <p class="fr-mt-3w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href="/mairie/pre-demandes">
          Retrouver une autre pré-demande
        </a>
      </p>
    </Layout>
  );
}
