import { NOTICE_KIND_LABELS, type Notice } from '../../site/maintenance-model.ts';
import { Alert, Breadcrumb, SummaryList, Table } from '../../../ui/components/content.tsx';
import { ErrorSummary, Form, RadioGroup, SubmitButton, TextArea, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { formatDateTime, formatWindow } from '../../../ui/format.ts';
import { Layout } from '../../../ui/layout.tsx';

const HOME = { href: '/agents', label: 'Espace agent' };
const LIST = { href: '/agents/maintenance', label: 'Avis de maintenance' };
const stateOf = (n: Notice, now: Date) => (n.startsAt <= now ? 'En cours' : 'À venir');

/** Operators: the notices in force and to come, with a way to cancel each. */
export function MaintenanceNoticesPage({ notices, unavailable, now }: { notices: Notice[]; unavailable: Notice | null; now: Date }) {
  return (
    <Layout title="Avis de maintenance">
      <Breadcrumb items={[HOME, { label: LIST.label }]} />
      <h1>Avis de maintenance</h1>
      {unavailable && (
        <Alert kind="warning" title="Le service est indisponible pour les usagers">
          <p>
            Jusqu’au {formatDateTime(unavailable.endsAt)}, toutes les pages publiques affichent « Service indisponible ». L’espace agent
            reste accessible : annulez l’avis ci-dessous pour rétablir le service.
          </p>
        </Alert>
      )}
      <p>
        Un bandeau d’information s’affiche en haut de chaque page pendant sa période. Une indisponibilité remplace toutes les pages
        publiques par la page « Service indisponible » pendant sa période ; elle est annoncée sur la page d’accueil dans les 30 jours
        qui la précèdent. L’espace agent reste toujours accessible.
      </p>
      <p>
        <a class="fr-btn" href="/agents/maintenance/nouveau">
          Programmer un avis
        </a>
      </p>
      <Table
        caption="Avis en cours et à venir"
        headers={['Type', 'Période (heure de Paris)', 'Message', 'État', 'Action']}
        empty="Aucun avis en cours ou à venir."
        rows={notices.map((n) => [
          NOTICE_KIND_LABELS[n.kind],
          formatWindow(n.startsAt, n.endsAt),
          n.message,
          stateOf(n, now),
          <a href={`/agents/maintenance/${n.id}/annuler`}>
            Annuler<span class="fr-sr-only"> l’avis {formatWindow(n.startsAt, n.endsAt)}</span>
          </a>,
        ])}
      />
    </Layout>
  );
}

const KIND_OPTIONS = [
  { value: 'banner', label: NOTICE_KIND_LABELS.banner, hint: 'Affiché en haut de chaque page pendant la période ; le service reste ouvert.' },
  {
    value: 'unavailable',
    label: NOTICE_KIND_LABELS.unavailable,
    hint: 'Toutes les pages publiques affichent « Service indisponible » pendant la période ; l’espace agent reste accessible.',
  },
];

export function MaintenanceNoticeFormPage({ values, errors }: { values: Record<string, string | undefined>; errors: FieldErrors }) {
  return (
    <Layout title="Programmer un avis de maintenance" hasErrors={Object.keys(errors).length > 0}>
      <Breadcrumb items={[HOME, LIST, { label: 'Programmer un avis' }]} />
      <ErrorSummary errors={errors} />
      <h1>Programmer un avis de maintenance</h1>
      <p>Tous les champs sont obligatoires. Les dates et heures sont en heure de Paris.</p>
      <Form action="/agents/maintenance/nouveau">
        <RadioGroup name="kind" label="Type d’avis" options={KIND_OPTIONS} value={values.kind} error={errors.kind} />
        <TextArea name="message" label="Message affiché aux usagers" hint="500 caractères au plus" rows={3} maxLength={500} value={values.message} error={errors.message} />
        {/* The portal's one date style (JJ/MM/AAAA, then the time): a browser's datetime-local field could not show a refused value back */}
        <TextInput name="starts_at" label="Début" hint="Format JJ/MM/AAAA HH:MM, heure de Paris, par exemple 01/12/2026 22:00" value={values.starts_at} error={errors.starts_at} maxLength={20} spellcheck={false} />
        <TextInput name="ends_at" label="Fin" hint="Format JJ/MM/AAAA HH:MM, heure de Paris, par exemple 02/12/2026 06:00" value={values.ends_at} error={errors.ends_at} maxLength={20} spellcheck={false} />
        <SubmitButton>Programmer l’avis</SubmitButton>
      </Form>
    </Layout>
  );
}

export function MaintenanceCancelPage({ notice, now }: { notice: Notice; now: Date }) {
  const inForce = notice.startsAt <= now;
  return (
    <Layout title="Annuler un avis de maintenance">
      <Breadcrumb items={[HOME, LIST, { label: 'Annuler un avis' }]} />
      <h1>Annuler cet avis ?</h1>
      <SummaryList
        rows={[
          { key: 'Type', value: NOTICE_KIND_LABELS[notice.kind] },
          { key: 'Période', value: formatWindow(notice.startsAt, notice.endsAt) },
          { key: 'Message', value: notice.message },
          { key: 'État', value: stateOf(notice, now) },
        ]}
      />
      <p>
        {notice.kind === 'unavailable' && inForce
          ? 'Le service redevient accessible aux usagers dès l’annulation.'
          : 'L’avis ne sera plus affiché ni annoncé.'}
      </p>
      <Form action={`/agents/maintenance/${notice.id}/annuler`}>
        <SubmitButton>Confirmer l’annulation</SubmitButton>
      </Form>
      <p class="fr-mt-3w">
        <a href="/agents/maintenance">Revenir à la liste sans annuler</a>
      </p>
    </Layout>
  );
}
