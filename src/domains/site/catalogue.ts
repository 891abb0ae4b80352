/**
 * The catalogue of online procedures shown on the home page and the procedure pages. Each
 * procedure starts from the personal space once signed in.
 */
export interface Procedure {
  title: string;
  description: string;
}

export interface ProcedureFamily {
  slug: string;
  title: string;
  summary: string;
  icon: string;
  procedures: Procedure[];
  needs: string[];
}

export const CATALOGUE: readonly ProcedureFamily[] = [
  {
    slug: 'carte-grise',
    title: 'Carte grise',
    summary: 'Certificat d’immatriculation : changement d’adresse, duplicata, déclaration de cession, changement de titulaire.',
    icon: 'fr-icon-car-line',
    procedures: [
      { title: 'Changement d’adresse', description: 'À déclarer dans le mois qui suit votre déménagement.' },
      { title: 'Déclaration de cession', description: 'Vous vendez ou donnez votre véhicule : à déclarer dans les 15 jours.' },
      { title: 'Changement de titulaire', description: 'Vous achetez un véhicule d’occasion : à faire dans le mois, avec le code de cession.' },
      { title: 'Duplicata', description: 'Votre carte grise est perdue, volée ou abîmée.' },
      { title: 'Demande complémentaire', description: 'Toute autre demande concernant votre carte grise.' },
    ],
    needs: [
      'le numéro d’immatriculation du véhicule',
      'le code confidentiel reçu avec la carte grise (inutile avec un compte certifié FranceConnect, pour vous-même)',
      'une carte bancaire lorsque la démarche est payante',
    ],
  },
  {
    slug: 'permis-de-conduire',
    title: 'Permis de conduire',
    summary: 'Inscription à l’examen, fabrication du titre, perte, vol, détérioration, renouvellement, échange d’un permis étranger.',
    icon: 'fr-icon-road-map-line',
    procedures: [
      { title: 'Inscription au permis', description: 'Pour passer l’examen d’une première catégorie ou d’une nouvelle catégorie : vous obtenez votre numéro NEPH.' },
      { title: 'Fabrication du titre', description: 'Après la réussite à l’examen, pour une première délivrance ou une nouvelle catégorie.' },
      { title: 'Perte, vol ou détérioration', description: 'Pour obtenir un nouveau titre (timbre fiscal de 25 €).' },
      { title: 'Renouvellement', description: 'Fin de validité ou visite médicale.' },
      { title: 'Échange d’un permis étranger', description: 'Pour conduire en France avec un permis délivré à l’étranger.' },
    ],
    needs: [
      'le code de la photo-signature numérique délivré par un photographe ou une cabine agréés',
      'une pièce d’identité et un justificatif de domicile',
      'un timbre fiscal électronique lorsque la démarche est payante',
    ],
  },
  {
    slug: 'carte-identite-passeport',
    title: 'Carte d’identité et passeport',
    summary: 'Pré-demande en ligne, puis rendez-vous en mairie équipée d’un dispositif de recueil.',
    icon: 'fr-icon-passport-line',
    procedures: [
      { title: 'Pré-demande de carte d’identité', description: 'Remplissez le formulaire en ligne et présentez le numéro de pré-demande en mairie.' },
      { title: 'Pré-demande de passeport', description: 'Remplissez le formulaire en ligne, achetez le timbre fiscal et présentez-vous en mairie.' },
    ],
    needs: [
      'une adresse électronique',
      'un timbre fiscal pour le passeport, ou pour la carte d’identité en cas de perte ou de vol',
      'un rendez-vous dans une mairie équipée d’un dispositif de recueil',
    ],
  },
];

export const findFamily = (slug: string): ProcedureFamily | undefined => CATALOGUE.find((f) => f.slug === slug);
