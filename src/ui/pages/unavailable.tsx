import type { Notice } from '../../domains/site/maintenance-model.ts';
import { formatDateTime } from '../format.ts';
import { Layout } from '../layout.tsx';

/** Shown with a 503 on every page while an unavailability window is in force (CGU §1.4). */
export function UnavailablePage({ notice }: { notice: Notice }) {
  return (
    <Layout title="Service indisponible">
      <h1>Service indisponible</h1>
      <p class="fr-text--lead">{notice.message}</p>
      <p>Le service sera de nouveau accessible le {formatDateTime(notice.endsAt)}.</p>
      <p>
        Vos démarches en cours et les informations déjà enregistrées sont conservées. Vous pourrez les reprendre dès le
        retour du service.
      </p>
    </Layout>
  );
}
