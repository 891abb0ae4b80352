import type { ProcedureFamily } from '../catalogue.ts';
import { Breadcrumb } from '../../../ui/components/content.tsx';
import { Layout } from '../../../ui/layout.tsx';

export function ProcedureFamilyPage({ family, signedIn }: { family: ProcedureFamily; signedIn: boolean }) {
  return (
    <Layout title={family.title}>
      <Breadcrumb items={[{ href: '/', label: 'Accueil' }, { label: family.title }]} />
      <h1>{family.title}</h1>
      <p class="fr-text--lead">{family.summary}</p>
      <h2>Les démarches en ligne</h2>
      <ul>
        {family.procedures.map((p) => (
          <li key={p.title}>
            <strong>{p.title}</strong> : {p.description}
          </li>
        ))}
      </ul>
      <h2>Ce dont vous aurez besoin</h2>
      <ul>
        {family.needs.map((n) => (
          <li key={n}>{n}</li>
        ))}
      </ul>
      {family.slug === 'carte-grise' && (
        <p>
          Combien coûte une carte grise ? <a href="/simulateur-taxes">Simulez le montant des taxes</a>.
        </p>
      )}
      <p>
        <a class="fr-btn" href={signedIn ? ({ 'carte-grise': '/vehicules', 'permis-de-conduire': '/permis', 'carte-identite-passeport': '/pre-demandes' }[family.slug] ?? '/compte') : '/connexion'}>
          {signedIn ? 'Commencer depuis mon espace' : 'Se connecter pour commencer'}
        </a>
      </p>
    </Layout>
  );
}
