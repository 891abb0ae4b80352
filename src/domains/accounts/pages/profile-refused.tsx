import { Layout } from '../../../ui/layout.tsx';

/** A space or a procedure the account's profile does not give (profiles.ts), and what it gives instead. */
export function ProfileRefusedPage(props: { profile: string; refused: string; allowed: { title: string; href: string }[] }) {
  return (
    <Layout title="Démarche non ouverte à votre compte">
      <h1>Démarche non ouverte à votre compte</h1>
      <p>
        Votre compte « {props.profile} » ne donne pas accès à cette démarche : {props.refused.charAt(0).toLowerCase() + props.refused.slice(1)}.
      </p>
      <p>Avec ce compte, vous pouvez faire :</p>
      <ul>
        {props.allowed.map((a) => (
          <li key={a.href}>
            <a href={a.href}>{a.title}</a>
          </li>
        ))}
      </ul>
      <p>
        Pour une démarche personnelle, utilisez un compte de particulier. <a href="/compte">Voir mon compte</a>
      </p>
    </Layout>
  );
}
