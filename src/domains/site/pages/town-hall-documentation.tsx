import { Breadcrumb } from '../../../ui/components/content.tsx';
import { Layout } from '../../../ui/layout.tsx';

/** The documentation area of town halls equipped with a fingerprint scanner (terms of use §1.2, §1.5). */
export function TownHallDocumentationPage({ name, scanners }: { name: string; scanners: number | null }) {
  return (
    <Layout title="Documentation des mairies">
      <Breadcrumb items={[{ href: '/compte', label: 'Mon compte' }, { label: 'Documentation des mairies' }]} />
      <h1>Documentation des mairies équipées</h1>
      <p class="fr-text--lead">
        {name}
        {scanners !== null && ` : ${scanners} dispositif${scanners > 1 ? 's' : ''} de recueil d’empreintes digitales enregistré${scanners > 1 ? 's' : ''}`}.
      </p>
      <h2>Recueillir une demande de carte d’identité ou de passeport</h2>
      <ol>
        <li>L’usager présente son numéro de pré-demande ou le QR code de son récapitulatif.</li>
        <li>
          Saisissez le numéro, ou scannez le QR code, dans <a href="/mairie/pre-demandes">la recherche des pré-demandes</a> : les données de l’état
          civil et de l’adresse s’affichent, pour la durée du rendez-vous.
        </li>
        <li>Vérifiez les pièces justificatives et l’identité de l’usager, recueillez ses empreintes sur le dispositif de recueil, puis enregistrez le numéro de la demande de titre : la pré-demande est alors close et ne peut plus être reprise par une autre mairie.</li>
      </ol>
      <h2>Ce que la mairie ne fait pas en ligne</h2>
      <ul>
        <li>elle ne dépose pas de pré-demande pour un usager : l’usager la fait lui-même, ou se fait aider dans un point d’accueil numérique ;</li>
        <li>elle ne voit une pré-demande que par son numéro : aucune liste, aucune recherche par nom ;</li>
        <li>les numéros inexacts répétés sont limités, par compte et par adresse.</li>
      </ul>
      <h2>Dispositifs de recueil et compte de la mairie</h2>
      <p>
        Le compte d’une mairie est créé par l’agence. Pour un dispositif supplémentaire, un changement d’adresse électronique ou une question sur
        l’application, <a href="/contact">écrivez à l’agence</a> (sujet « Ma mairie ») : elle répond sous 15 jours ouvrés.
      </p>
      <h2>Textes de référence</h2>
      <ul>
        <li>
          <a href="/cgu">Conditions générales d’utilisation</a>, articles 1.5 (création du compte) et 1.10.2 (responsabilité de l’usager) ;
        </li>
        <li>
          <a href="/formulaires-cerfa">Formulaires CERFA</a> : la demande de carte nationale d’identité (cerfa n° 12100), remplacée par la pré-demande.
        </li>
      </ul>
    </Layout>
  );
}
