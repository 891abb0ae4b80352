import { DEMARCHES_SIMPLIFIEES_URL, REACTIVATION_DELAY_HOURS, type NephRouting } from '../neph-reactivation.ts';
import { Alert, Breadcrumb } from '../../../ui/components/content.tsx';
import { CheckboxGroup, ErrorSummary, Form, Select, SubmitButton, type FieldErrors } from '../../../ui/components/form.tsx';
import { Layout } from '../../../ui/layout.tsx';

type Department = { code: string; name: string };
const label = (d: Department) => `${d.code} – ${d.name}`;

/** Public: where to reactivate a NEPH, by département (a GET form: a link can be shared). */
export function NephReactivationPage(props: { departments: Department[]; chosen: string; routing: NephRouting | null; errors: FieldErrors }) {
  const { routing } = props;
  return (
    <Layout title={routing ? `Réactiver un numéro NEPH : ${routing.department.name}` : 'Réactiver un numéro NEPH'} hasErrors={Object.keys(props.errors).length > 0}>
      <Breadcrumb items={[{ href: '/aide', label: 'Aide' }, { href: '/aide/neph', label: 'Le numéro NEPH' }, { label: 'Réactiver un numéro NEPH' }]} />
      <ErrorSummary errors={props.errors} />
      <h1>Réactiver un numéro NEPH</h1>
      <p>
        Un numéro NEPH peut se désactiver sans raison particulière. Il faut alors le faire réactiver pour s’inscrire à l’examen du code. La démarche dépend de votre
        département.
      </p>
      <Form action="/permis/reactivation-neph" method="get">
        <input type="hidden" name="envoye" value="oui" />
        <Select name="departement" label="Votre département" options={props.departments.map((d) => ({ value: d.code, label: label(d) }))} value={props.chosen || undefined} placeholder="Choisissez un département" error={props.errors.departement} />
        <SubmitButton>Voir la démarche</SubmitButton>
      </Form>
      {routing && (
        <section class="fr-mt-4w" aria-labelledby="reponse">
          <h2 id="reponse">{label(routing.department)}</h2>
          {routing.referenced ? (
            <p>
              Votre département est référencé : faites la demande de réactivation en ligne sur{' '}
              <a href={DEMARCHES_SIMPLIFIEES_URL} target="_blank" rel="noopener" title="demarches-simplifiees.fr - nouvelle fenêtre">
                demarches-simplifiees.fr
              </a>
              .
            </p>
          ) : (
            <p>
              Votre département n’est pas référencé sur demarches-simplifiees.fr : adressez-vous au service chargé localement des examens du permis de conduire, en général
              le bureau de l’éducation routière (BER) de la direction départementale des territoires (DDT ou DDTM) de votre département.
            </p>
          )}
          <Alert kind="info" small>
            {`Une fois la démarche faite, comptez ${REACTIVATION_DELAY_HOURS} heures pour que le numéro NEPH soit de nouveau actif.`}
          </Alert>
        </section>
      )}
    </Layout>
  );
}

/** Back office (licence service): which départements are referenced on démarches-simplifiées. */
export function NephDepartmentsAdminPage(props: { departments: Department[]; referenced: Set<string> }) {
  return (
    <Layout title="Réactivation du NEPH : départements référencés">
      <Breadcrumb items={[{ href: '/agents', label: 'Espace agent' }, { href: '/agents/permis', label: 'Demandes de permis de conduire' }, { label: 'Réactivation du NEPH' }]} />
      <h1>Réactivation du NEPH : départements référencés</h1>
      <p>
        Les usagers des départements cochés sont envoyés vers demarches-simplifiees.fr ; les autres vers le bureau de l’éducation routière de leur DDT. {props.referenced.size}{' '}
        département(s) référencé(s).
      </p>
      <Form action="/agents/permis/reactivation-neph">
        <CheckboxGroup name="departements" label="Départements référencés sur demarches-simplifiees.fr" options={props.departments.map((d) => ({ value: d.code, label: label(d) }))} values={[...props.referenced]} />
        <SubmitButton>Enregistrer la liste</SubmitButton>
      </Form>
    </Layout>
  );
}
