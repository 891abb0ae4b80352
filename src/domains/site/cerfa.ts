/**
 * The CERFA forms the portal's procedures replace or need (terms of use §1.2: "downloading CERFA
 * forms"). The portal does not host the PDF files: each number links to its page on the official
 * site, which always serves the form in force.
 */
export interface CerfaForm {
  number: string;
  title: string;
  /** the portal's procedure that replaces or needs it, and what the user does with it */
  procedure: string;
  href: string;
}

const official = (number: string) => `https://www.service-public.fr/particuliers/recherche?keyword=cerfa%20${number}`;

export const CERFA_FORMS: readonly CerfaForm[] = Object.freeze([
  { number: '13750', title: 'Demande de certificat d’immatriculation d’un véhicule', procedure: 'Remplacé en ligne par le changement de titulaire, le changement d’adresse et la téléprocédure complémentaire (« Mon espace véhicule »).', href: official('13750') },
  { number: '13757', title: 'Mandat d’immatriculation', procedure: 'Demandé par le professionnel de l’automobile habilité qui fait la démarche pour vous ; joint à la téléprocédure complémentaire quand vous agissez pour quelqu’un d’autre.', href: official('13757') },
  { number: '15776', title: 'Certificat de cession d’un véhicule d’occasion', procedure: 'Délivré par la déclaration de cession en ligne (exemplaire n° 2 et accusé d’enregistrement, à signer par le vendeur et l’acheteur).', href: official('15776') },
  { number: '13753', title: 'Déclaration de perte ou de vol de pièces administratives', procedure: 'Demande de duplicata : la perte se déclare sur l’honneur en ligne ; le vol se déclare aux forces de l’ordre, dont le récépissé est joint.', href: official('13753') },
  { number: '14882', title: 'Demande de titre de permis de conduire (format de l’Union européenne)', procedure: 'Remplacé en ligne par « Mon espace permis » (fabrication d’un titre, renouvellement, perte, vol, détérioration, changement d’état civil).', href: official('14882') },
  { number: '14948', title: 'Demande d’inscription au permis de conduire (formulaire de demande de permis de conduire)', procedure: 'Remplacé en ligne par l’inscription au permis dans « Mon espace permis » ; les écoles de conduite la déposent pour leurs élèves.', href: official('14948') },
  { number: '12100', title: 'Demande de carte nationale d’identité (personne majeure)', procedure: 'Remplacé par la pré-demande en ligne de carte d’identité, présentée ensuite en mairie.', href: official('12100') },
]);
