import type { SealVerdict } from './service.ts';
import { describeSeal, verdictText } from './service.ts';
import { Alert, SummaryList } from '../../ui/components/content.tsx';
import { ErrorSummary, Form, SubmitButton, TextArea, type FieldErrors } from '../../ui/components/form.tsx';
import { Layout } from '../../ui/layout.tsx';

/** How the page writes the two separators of a 2D-Doc, which no keyboard types. */
export const SEPARATOR_HINT = 'Les séparateurs s’écrivent <GS> et <US>, comme les affichent les lecteurs de 2D-Doc.';

/**
 * Public: checking the 2D-Doc of a document. A reader (or `npm run verify-document`) gives the
 * text of the DataMatrix; the page checks the agency's signature and the data against the registry.
 */
export function TwoDDocVerificationPage(props: { message?: string; errors?: FieldErrors; verdict?: SealVerdict; certificateUrl: string }) {
  const errors = props.errors ?? {};
  const v = props.verdict;
  const text = v ? verdictText(v) : null;
  const described = v && v.status !== 'unreadable' ? describeSeal(v.seal) : null;
  return (
    <Layout title={`${Object.keys(errors).length ? 'Erreur : ' : ''}Vérifier le 2D-Doc d’un document`}>
      <ErrorSummary errors={errors} />
      <h1>Vérifier le 2D-Doc d’un document</h1>
      <p>
        Chaque document délivré par le portail porte en haut à droite un 2D-Doc : un code carré qui reprend ses données avec la signature électronique de l’agence. Lisez-le avec
        un lecteur de 2D-Doc et collez ici le texte obtenu.
      </p>
      {v && text && (
        <div class="fr-mb-4w">
          <Alert kind={text.ok ? 'success' : 'error'} title={text.title}>
            <p>{text.detail}</p>
          </Alert>
          {described && (
            <>
              <h2 class="fr-mt-4w">Ce que dit le 2D-Doc</h2>
              <SummaryList
                rows={[
                  { key: 'Document', value: described.type },
                  { key: 'Émis le', value: v.status !== 'unreadable' ? v.seal.header.issuedOn.split('-').reverse().join('/') : '' },
                  { key: 'Autorité et certificat', value: v.status !== 'unreadable' ? `${v.seal.header.caId} ${v.seal.header.certificateId}` : '' },
                  ...described.rows.map((r) => ({ key: r.label, value: r.value })),
                ]}
              />
            </>
          )}
        </div>
      )}
      <Form action="/verification/2d-doc">
        <TextArea name="message" label="Texte du 2D-Doc" hint={`Il commence par « DC04 ». ${SEPARATOR_HINT}`} value={props.message} error={errors.message} rows={6} />
        <SubmitButton>Vérifier</SubmitButton>
      </Form>
      <h2 class="fr-mt-6w">Vérifier sans réseau</h2>
      <p>
        La signature se vérifie avec la clé publique du certificat X.509 du cachet de l’agence, publié à l’adresse <a href={props.certificateUrl}>{props.certificateUrl}</a>.
      </p>
    </Layout>
  );
}
