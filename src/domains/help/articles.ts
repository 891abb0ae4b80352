/**
 * The help centre's articles, written from the agency's published texts (../shared/seeds: the
 * vehicle tele-procedures training slides, the confidential-code and code-de-cession pages, the
 * driving-licence FAQ, the terms of use). A procedure page links to one with <HelpLink topic="…"/>
 * (src/domains/help/pages/help-link.tsx); the topic is the article's slug.
 */
export type HelpSection = 'vehicules' | 'permis' | 'identite' | 'compte';

export const SECTION_LABELS: Record<HelpSection, string> = {
  vehicules: 'Carte grise (certificat d’immatriculation)',
  permis: 'Permis de conduire',
  identite: 'Carte d’identité et passeport',
  compte: 'Mon compte et le portail',
};

/** A block of an article: a paragraph, or a list. */
export type Block = string | { list: string[] } | { table: { headers: string[]; rows: string[][] } };

export interface Article {
  slug: string;
  section: HelpSection;
  title: string;
  /** the answer in one sentence, shown in lists and search results */
  summary: string;
  body: Block[];
  /** pages of the portal to go on with */
  links?: { href: string; label: string }[];
}

export const ARTICLES: readonly Article[] = [
  // ---- Vehicles ----
  {
    slug: 'code-confidentiel',
    section: 'vehicules',
    title: 'Le code confidentiel : à quoi sert-il et comment l’obtenir ?',
    summary: 'Un numéro à 5 chiffres, demandé si vous ne passez pas par FranceConnect ; un nouveau code se demande au début de la démarche.',
    body: [
      'Le code confidentiel est un numéro à 5 chiffres. Il ne vous est demandé que si vous n’utilisez pas FranceConnect pour certaines démarches en ligne : avec FranceConnect, vous n’en avez jamais besoin.',
      'Si votre code a été envoyé avant le 1er janvier 2025, vous l’avez reçu par courrier avec votre carte grise. Depuis le 1er janvier 2025, la carte grise est envoyée par lettre recommandée sans le code, pour éviter la fraude.',
      'Pour obtenir un nouveau code : commencez la démarche souhaitée depuis votre espace, cliquez sur « Demander un nouveau code » dans la partie « Code confidentiel », puis indiquez les informations demandées (nom, date et lieu de naissance).',
      { list: ['« Pour moi-même » : le code est envoyé à l’adresse électronique de votre compte.', '« Pour quelqu’un d’autre » : le code est envoyé par courrier au titulaire de la carte grise, à l’adresse qui y figure.', 'Votre démarche est mise en attente le temps de recevoir le code ; vous la reprenez depuis « Mes démarches en cours ».'] },
      'Après 5 codes erronés, la saisie est bloquée : demandez un nouveau code.',
    ],
    links: [{ href: '/vehicules', label: 'Mon espace véhicule' }],
  },
  {
    slug: 'code-de-cession',
    section: 'vehicules',
    title: 'Le code de cession : où le trouver, combien de temps est-il valable ?',
    summary: 'Donné au vendeur à la fin de la déclaration de cession, valable 15 jours, indispensable à l’acheteur pour la carte grise à son nom.',
    body: [
      'Le code de cession est une suite de chiffres et de lettres affichée au vendeur à la fin de la démarche « Vendre ou donner mon véhicule », sur l’onglet « Pour terminer ». Il n’est envoyé ni par courrier ni par courriel : notez-le avant de quitter la page.',
      'Il est valable 15 jours. Le vendeur le transmet à l’acheteur, qui en a besoin pour demander la carte grise à son nom (changement de titulaire).',
      'Si le code ne fonctionne pas, ses 15 jours sont probablement écoulés. Sans code de cession, l’acheteur peut faire la démarche à condition que le vendeur ait bien déclaré la cession : il répond « Non » à « Avez-vous un code de cession ? » et indique le numéro de formule et la date d’immatriculation de l’ancienne carte grise. Il peut aussi s’adresser à un professionnel de l’automobile habilité.',
      'Ne confondez pas avec le code confidentiel : celui-ci, à 5 chiffres, sert à vous identifier pour une démarche et n’expire pas.',
    ],
    links: [{ href: '/lieux?type=professionnels', label: 'Trouver un professionnel habilité' }],
  },
  {
    slug: 'declaration-de-cession',
    section: 'vehicules',
    title: 'Déclarer la vente ou le don de mon véhicule',
    summary: 'En ligne uniquement, dans les 15 jours ; gratuite ; vous obtenez le certificat de cession, le certificat de situation administrative et le code de cession.',
    body: [
      'La déclaration de cession se fait obligatoirement en ligne, par le vendeur seulement, dans les 15 jours qui suivent la vente ou le don. Elle est gratuite.',
      'Dans « Mon espace véhicule », ajoutez une demande « Je vends ou je donne mon véhicule », indiquez qui fait la démarche et le numéro d’immatriculation, puis complétez les informations de l’acquéreur (nom, prénom, date de naissance, adresse, date et heure de la vente, kilométrage).',
      { list: ['Téléchargez et conservez le certificat de situation administrative (CSA).', 'Notez le code de cession, affiché à la fin : l’acheteur en a besoin.', 'Remettez à l’acheteur l’exemplaire n° 2 du certificat de cession, le CSA, la carte grise barrée avec la mention « Vendu le … » et le code de cession.'] },
      'Une opposition au transfert (OTCI) bloque la vente tant qu’elle n’est pas levée ; un gage ne la bloque pas.',
    ],
    links: [{ href: '/vehicules/demandes/nouvelle', label: 'Commencer une démarche' }],
  },
  {
    slug: 'changement-de-titulaire',
    section: 'vehicules',
    title: 'Faire la carte grise à mon nom après un achat d’occasion',
    summary: 'Dans le mois qui suit l’achat, avec un compte certifié (FranceConnect), le code de cession et une carte bancaire.',
    body: [
      'Vous avez un mois après l’achat pour immatriculer le véhicule à votre nom. Il faut un compte certifié (connexion avec FranceConnect), le code de cession donné par le vendeur et une carte bancaire pour payer les taxes.',
      'Le portail reconnaît l’ancien titulaire ; vous indiquez l’usage du véhicule, votre identité et votre adresse (vérifiée). À la fin, vous téléchargez le certificat provisoire d’immatriculation, qui vous permet de circuler en France pendant un mois, et le récapitulatif.',
    ],
    links: [{ href: '/simulateur-taxes', label: 'Estimer le coût de la carte grise' }],
  },
  {
    slug: 'changement-adresse',
    section: 'vehicules',
    title: 'Changer l’adresse de ma carte grise',
    summary: 'Dans le mois qui suit le déménagement ; les trois premiers changements donnent une étiquette gratuite, le quatrième une nouvelle carte grise.',
    body: [
      'Déclarez votre nouvelle adresse dans le mois qui suit votre déménagement. Le portail vérifie l’adresse et propose, si besoin, sa forme normalisée.',
      'Pour les trois premiers changements, vous recevez par courrier une étiquette gratuite à coller sur la carte grise. Au quatrième, une nouvelle carte grise est fabriquée (seule la redevance d’acheminement est due) et vous imprimez un certificat provisoire. Une carte grise à l’ancien format (par exemple 1234 AB 75) passe au nouveau numéro : il faut changer les plaques.',
    ],
  },
  {
    slug: 'duplicata',
    section: 'vehicules',
    title: 'Carte grise perdue, volée ou abîmée : demander un duplicata',
    summary: 'Le titulaire déclare la perte dans la démarche ; en cas de vol, il joint d’abord la déclaration faite à la police ou à la gendarmerie.',
    body: [
      'Choisissez le motif (perte, vol ou détérioration), la personne concernée et le numéro d’immatriculation, puis cochez les conditions légales d’utilisation et payez par carte bancaire. Vous téléchargez ensuite le certificat provisoire et le récapitulatif.',
      'En cas de vol, déclarez-le d’abord à la police ou à la gendarmerie. Si le vol n’est pas encore enregistré, votre demande est mise en attente et vous envoyez la déclaration de vol : le centre d’instruction la contrôle. S’il la refuse (illisible par exemple), vous recevez un message et en envoyez une nouvelle ; une fois acceptée, vous reprenez et finalisez la démarche depuis votre espace.',
    ],
  },
  {
    slug: 'elements-necessaires',
    section: 'vehicules',
    title: 'Ce qu’il faut pour chaque démarche de carte grise',
    summary: 'Code confidentiel, carte bancaire, code de cession : ce qui est demandé selon la démarche, le compte et la personne concernée.',
    body: [
      'Un compte « certifié » est un compte relié à FranceConnect (ou celui d’un professionnel de l’automobile habilité). Avec un compte certifié, vous n’avez pas besoin du code confidentiel pour vos propres véhicules.',
      {
        table: {
          headers: ['Démarche', 'Code confidentiel', 'Carte bancaire', 'Code de cession'],
          rows: [
            ['Duplicata', 'Oui, sauf compte certifié pour soi-même', 'Oui', 'Non'],
            ['Changement d’adresse', 'Oui, sauf compte certifié pour soi-même', 'Oui', 'Non'],
            ['Déclaration de cession', 'Oui, sauf compte certifié pour soi-même', 'Non', 'Non'],
            ['Changement de titulaire (compte certifié)', 'Non', 'Oui', 'Oui (ou numéro de formule et date de la carte grise)'],
          ],
        },
      },
    ],
  },
  {
    slug: 'autres-demandes',
    section: 'vehicules',
    title: 'Les autres demandes (téléprocédure complémentaire)',
    summary: 'Pour tout ce que les démarches habituelles ne couvrent pas : première immatriculation, correction, changement de situation ; compte certifié et pièces justificatives.',
    body: [
      'La téléprocédure complémentaire traite les cas que le duplicata, le changement d’adresse, la cession et le changement de titulaire ne couvrent pas : immatriculer pour la première fois un véhicule en France, corriger une erreur sur la carte grise, signaler un changement de situation personnelle ou du véhicule, obtenir un justificatif, ou poser une question.',
      'Il faut un compte certifié, et selon la demande des documents numérisés et une carte bancaire. Pour une démarche faite pour quelqu’un d’autre, joignez sa pièce d’identité et le mandat (cerfa 13757) signé.',
    ],
  },
  {
    slug: 'pieces-justificatives',
    section: 'compte',
    title: 'Numériser et joindre les pièces justificatives',
    summary: 'JPG, PNG, BMP, TIFF ou PDF, 11 Mo au plus, lisibles : un scanner ou un smartphone suffit.',
    body: [
      'Toutes les pièces se fournissent au format numérique. Utilisez un scanner ou un smartphone, avec un éclairage naturel de préférence.',
      'Formats acceptés : JPG, PNG, BMP, TIFF et PDF. Taille maximale : 11 Mo par fichier. Une pièce illisible est refusée et votre dossier vous est renvoyé pour modification, ce qui allonge le délai.',
      'Vous n’avez pas de scanner ? Les points d’accompagnement numérique et les espaces France services en mettent à votre disposition.',
    ],
    links: [{ href: '/aide#accompagnement', label: 'Trouver de l’aide près de chez vous' }],
  },
  // ---- Driving licence ----
  {
    slug: 'permis-suivi',
    section: 'permis',
    title: 'Où en est ma demande de permis de conduire ?',
    summary: 'L’état de chaque demande est dans votre espace ; les demandes sont supprimées après 6 mois, quel que soit leur état.',
    body: [
      {
        table: {
          headers: ['État', 'Ce que cela veut dire', 'Ce que vous pouvez faire'],
          rows: [
            ['Brouillon', 'Vous n’avez pas terminé votre demande', 'La modifier ou la supprimer'],
            ['Envoyée', 'Votre demande a été envoyée à l’administration', 'Patienter'],
            ['Vérification des images', 'L’administration vérifie votre photo et votre signature', 'Patienter'],
            ['En cours d’instruction', 'L’administration analyse votre demande', 'Patienter'],
            ['À compléter', 'Des pièces manquent ou sont incorrectes', 'Modifier la demande'],
            ['Rejet des images', 'La photo ou la signature n’est pas conforme', 'Faire une nouvelle demande'],
            ['Rejet par l’instruction', 'Le motif est indiqué dans votre espace', 'Faire une nouvelle demande'],
            ['Validée par l’administration', 'Le permis vous sera envoyé dans les 15 jours', 'Aucune'],
          ],
        },
      },
      'Une demande validée n’est plus modifiable. Tant qu’elle est en brouillon, tout se modifie sauf le motif : pour changer de motif, supprimez le brouillon et recommencez.',
      'Toutes les demandes sont supprimées après 6 mois.',
    ],
  },
  {
    slug: 'photo-signature',
    section: 'permis',
    title: 'La photo et la signature numériques',
    summary: 'Chez un photographe ou dans une cabine « Agréé services en ligne ANTS » : un code à 22 chiffres, valable pour une seule demande.',
    body: [
      'Seuls les photographes professionnels et les cabines agréés fournissent une photo et une signature numériques. Ils affichent une vignette bleue « Agréé services en ligne ANTS ». La signature se fait au stylet sur une tablette ou un écran tactile.',
      'La planche remise porte un code de 22 chiffres : saisissez-le dans votre demande pour y lier la photo et la signature. Ce code ne sert qu’une fois, pour une seule demande.',
      'Sans photo numérique, choisissez « Je dispose d’une photo d’identité classique » à l’étape 4 : à la fin, imprimez le formulaire de dépôt photo et signature, collez la photo, signez, et envoyez-le en courrier simple, seul, à l’adresse indiquée. Ce formulaire reste imprimable depuis votre compte (« Consulter », rubrique « Photo / signature de la personne concernée par le titre »).',
    ],
    links: [{ href: '/lieux?type=photographes', label: 'Trouver un photographe ou une cabine agréés' }],
  },
  {
    slug: 'neph',
    section: 'permis',
    title: 'Le numéro NEPH et l’inscription à l’examen du code',
    summary: 'Le NEPH n’est pas obligatoire dans la demande en ligne ; il est activé après l’inscription et se réactive en 48 heures.',
    body: [
      'Le champ du numéro de permis (NEPH) n’est pas obligatoire lors du dépôt de votre demande en ligne. La demande d’inscription n’est nécessaire que pour vous inscrire à une nouvelle catégorie.',
      'Avant l’examen du code, faites votre demande d’inscription en ligne : une fois instruite, le NEPH est activé et vous pouvez vous inscrire à l’examen. Un NEPH désactivé se réactive par une démarche en ligne (ou auprès du bureau de l’éducation routière de votre département) ; comptez 48 heures.',
      'Message « date de naissance bloquante en 00/00/19XX » à l’inscription au code : ce format n’est pas encore accepté par certains opérateurs agréés ; contactez votre opérateur (Code n’Go, Code Dekra, La Poste, Point Code, Objectif Code, Exa Code).',
    ],
    links: [{ href: '/permis/reactivation-neph', label: 'Réactiver un numéro NEPH : la démarche de votre département' }],
  },
  {
    slug: 'permis-correction',
    section: 'permis',
    title: 'Une erreur sur mon permis reçu il y a moins de 6 mois',
    summary: 'Demandez la correction en ligne depuis votre compte, avec le numéro du permis et l’erreur constatée.',
    body: [
      'À l’étape 1, choisissez « Je souhaite signaler une erreur sur mon permis de conduire reçu il y a moins de 6 mois », puis saisissez le numéro du permis et l’erreur : faute sur l’état civil, catégorie erronée ou oubliée, date de validité, mention oubliée. La photo et la signature sont reprises de la demande initiale.',
      'Ce service ne s’applique pas si vous avez reçu le titre d’une autre personne, déménagé dans un autre département, demandé un échange de permis étranger ou un permis international, reçu le titre il y a plus de 6 mois, ou si votre permis est à l’ancien format : faites alors une demande pour détérioration.',
    ],
  },
  {
    slug: 'permis-pour-autrui',
    section: 'permis',
    title: 'Faire une demande de permis pour une autre personne',
    summary: 'Depuis votre compte, en saisissant les informations et les coordonnées de la personne concernée.',
    body: [
      'Vous pouvez utiliser votre compte pour la demande d’une personne qui n’a pas accès à internet. Saisissez ses informations, pas les vôtres ; à l’étape 4, « Coordonnées où l’on peut vous joindre », indiquez les siennes : elle sera prévenue de l’avancement de la demande.',
    ],
  },
  {
    slug: 'timbre-remboursement',
    section: 'permis',
    title: 'Me faire rembourser un timbre fiscal',
    summary: 'En ligne sur timbres.impots.gouv.fr, dans les 18 mois qui suivent l’achat.',
    body: [
      'Le remboursement se demande en ligne sur le site timbres.impots.gouv.fr, dans les 18 mois suivant l’achat du timbre.',
      { list: ['Timbre acheté chez un buraliste : numéro et montant du timbre, numéro de transaction, relevé d’identité bancaire à votre nom (pas de livret A), copie d’une pièce d’identité (ou extrait Kbis pour un professionnel).', 'Timbre acheté en ligne : numéro du timbre et référence de transaction ; le remboursement est fait sur la carte bancaire utilisée.'] },
    ],
  },
  {
    slug: 'permis-circuler-en-attendant',
    section: 'permis',
    title: 'Avec quel document circuler en attendant mon nouveau permis ?',
    summary: 'Cela dépend du motif : ancien permis pour une nouvelle catégorie, brevet militaire pour une conversion, attestation après une perte.',
    body: [
      {
        list: [
          'Nouvelle catégorie (extension), par exemple après une validation de diplôme professionnel : vous pouvez continuer à circuler avec votre permis actuel.',
          'Premier permis : vous devez attendre de recevoir le nouveau permis de conduire.',
          'Conversion d’un brevet militaire : vous pouvez continuer à circuler avec le brevet militaire, en vous munissant du récépissé de dépôt de la demande.',
          'Perte : une attestation de droits à conduire est disponible dans votre espace après vérification par l’administration ; vous êtes prévenu par courriel et SMS. En attendant, vous n’êtes pas autorisé à conduire.',
        ],
      },
      'La réponse qui vous concerne est rappelée sur la page de votre demande et sur le récépissé de dépôt.',
    ],
    links: [
      { href: '/permis', label: 'Mon espace permis de conduire' },
      { href: 'https://www.service-public.fr/particuliers/vosdroits/N530', label: 'Les catégories de permis de conduire (service-public.fr)' },
    ],
  },
  {
    slug: 'permis-apres-suspension',
    section: 'permis',
    title: 'Mon permis après une suspension',
    summary: 'Une demande de fabrication en ligne, de préférence 7 jours avant la fin de la suspension, avec l’avis médical.',
    body: [
      'La demande se fait en plusieurs étapes. Faites-la une fois en possession de tous vos documents administratifs, dont l’avis de la visite médicale. Il est recommandé de la faire 7 jours avant la fin de la suspension.',
      { list: ['Connectez-vous à votre compte, ou créez-en un.', 'Cliquez sur « Nouvelle demande » dans « Mon espace permis de conduire ».', 'Choisissez le motif « Fabrication d’un titre : demande à la suite d’une suspension de permis ».'] },
    ],
    links: [{ href: '/permis/demandes/nouvelle', label: 'Faire la demande' }],
  },
  {
    slug: 'permis-categorie-am',
    section: 'permis',
    title: 'Un permis avec la seule catégorie AM après une invalidation ou une annulation',
    summary: 'Après une invalidation, une annulation ou une suspension, vous pouvez demander en ligne un titre portant la seule catégorie AM.',
    body: [
      'Votre permis est invalidé ou annulé : vous pouvez demander la fabrication d’un permis de conduire portant la seule catégorie AM (cyclomoteur, voiturette). La demande se fait en ligne ; l’état civil, la photo, la signature et les pièces justificatives sont transmis de manière dématérialisée.',
      'Choisissez le motif « Fabrication d’un titre : demande à la suite d’une invalidation ou d’une annulation de permis » (ou « à la suite d’une suspension de permis »), puis cochez « Je demande l’édition d’un titre doté de la seule catégorie AM ».',
    ],
    links: [{ href: '/permis/demandes/nouvelle', label: 'Faire la demande' }],
  },
  {
    slug: 'permis-diplome-professionnel',
    section: 'permis',
    title: 'Faire valider un diplôme professionnel',
    summary: 'En ligne : motif « validation de diplôme professionnel », puis les catégories obtenues ; un récépissé de dépôt est délivré.',
    body: [
      'La demande de validation de diplôme professionnel se fait en ligne. Choisissez le motif « Fabrication d’un titre : il s’agit d’une validation de diplôme professionnel », puis sélectionnez la ou les catégories obtenues et joignez le diplôme.',
      'Un récépissé de dépôt de la demande vous est délivré. Si la demande ne comporte pas de photo et de signature numériques, le formulaire de dépôt photo et signature est aussi disponible à la fin de la demande.',
      'En attendant le nouveau permis : pour une nouvelle catégorie, vous pouvez continuer à circuler avec votre permis actuel ; pour un premier permis, il faut attendre de recevoir le nouveau titre.',
    ],
    links: [{ href: '/permis/demandes/nouvelle', label: 'Faire la demande' }],
  },
  {
    slug: 'permis-brevet-militaire',
    section: 'permis',
    title: 'Convertir un brevet militaire de conduite',
    summary: 'En ligne : motif « conversion de brevet militaire » ; vous circulez avec le brevet en attendant le nouveau permis.',
    body: [
      'La demande de conversion de votre brevet militaire se fait en ligne. Choisissez le motif « Fabrication d’un titre : il s’agit d’une conversion de brevet militaire », puis sélectionnez la ou les catégories obtenues et joignez le brevet.',
      'Un récépissé de dépôt de la demande vous est délivré. En attendant la réception du nouveau permis de conduire, vous pouvez continuer à circuler avec le brevet militaire ; munissez-vous en complément du récépissé de dépôt.',
    ],
    links: [{ href: '/permis/demandes/nouvelle', label: 'Faire la demande' }],
  },
  // ---- Identity card and passport ----
  {
    slug: 'pre-demande-cni-passeport',
    section: 'identite',
    title: 'La pré-demande de carte d’identité ou de passeport',
    summary: 'Remplie en ligne, elle donne un numéro et un QR code que la mairie lit le jour du rendez-vous, où sont prises vos empreintes.',
    body: [
      'La pré-demande évite de remplir un formulaire papier en mairie. Remplissez-la depuis votre compte : à la fin, un récapitulatif porte un numéro de pré-demande et un QR code.',
      'Prenez rendez-vous dans une mairie équipée d’un dispositif de recueil. Le jour du rendez-vous, présentez le numéro ou le QR code : la mairie retrouve vos données, vérifie vos pièces, prend vos empreintes et vous remet un récépissé portant le numéro de la demande.',
    ],
    links: [
      { href: '/pre-demandes', label: 'Mes pré-demandes' },
      { href: '/lieux?type=mairies', label: 'Trouver une mairie équipée' },
    ],
  },
  {
    slug: 'cni-passeport-tarifs',
    section: 'identite',
    title: 'Combien coûtent une carte d’identité et un passeport ?',
    summary: 'Carte d’identité gratuite, sauf perte ou vol (25 €) ; passeport de 17 € à 86 € selon l’âge.',
    body: [
      {
        table: {
          headers: ['Titre', 'Timbre fiscal'],
          rows: [
            ['Carte d’identité : première demande ou renouvellement', 'Gratuit'],
            ['Carte d’identité après une perte ou un vol', '25 € (12,50 € en Guyane)'],
            ['Passeport d’une personne majeure', '86 € (43 € en Guyane)'],
            ['Passeport d’un mineur de 15 à 17 ans', '42 €'],
            ['Passeport d’un enfant de moins de 15 ans', '17 €'],
          ],
        },
      },
      'Le timbre du passeport est uniquement électronique. Son numéro se saisit dans la pré-demande ; le montant dû est calculé d’après vos réponses.',
    ],
    links: [{ href: '/pre-demandes', label: 'Mes pré-demandes' }],
  },
  // ---- Account and portal ----
  {
    slug: 'creer-un-compte',
    section: 'compte',
    title: 'Créer mon compte',
    summary: 'Six profils : particulier, professionnel de l’automobile habilité, auto-école, centre de sensibilisation, mairie équipée, autre personne morale.',
    body: [
      'Un compte est nécessaire pour toute démarche en ligne. Les conditions dépendent de votre profil :',
      {
        list: [
          'Particulier : une adresse électronique, puis soit le formulaire de création et le lien d’activation reçu par courriel, soit FranceConnect (recommandé : votre compte est alors certifié).',
          'Professionnel de l’automobile : être habilité par la préfecture du département où vous exercez ; vos accès vous sont envoyés par courriel après validation.',
          'Auto-école ou centre de sensibilisation à la sécurité routière : un numéro d’agrément et une adresse électronique.',
          'Mairie équipée d’un dispositif de recueil des empreintes : le compte est créé par l’agence, sur demande par le formulaire de contact.',
          'Autre personne morale : un numéro SIRET et une adresse électronique.',
        ],
      },
    ],
    links: [{ href: '/inscription', label: 'Créer mon compte' }],
  },
  {
    slug: 'supprimer-mon-compte',
    section: 'compte',
    title: 'Supprimer mon compte',
    summary: 'À tout moment depuis votre compte, ou en écrivant au service client par le formulaire de contact.',
    body: ['Vous pouvez supprimer votre compte à tout moment depuis la page de votre compte, ou en le demandant au service client de l’agence par le formulaire de contact.'],
    links: [{ href: '/contact', label: 'Nous contacter' }],
  },
  {
    slug: 'disponibilite',
    section: 'compte',
    title: 'Le portail est-il accessible à toute heure ?',
    summary: 'Oui, tous les jours, 24 heures sur 24, sauf opérations de maintenance annoncées sur le portail.',
    body: [
      'L’agence s’efforce d’assurer l’accès au portail 24 heures sur 24, 7 jours sur 7. Des opérations de maintenance peuvent l’interrompre : elles sont annoncées à l’avance sur le portail quand c’est possible.',
      'Aux heures de forte affluence, le service peut être plus lent : préférez les heures creuses.',
    ],
  },
];

export const articleBySlug = (slug: string): Article | undefined => ARTICLES.find((a) => a.slug === slug);

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’']/g, ' ');

const blockText = (b: Block): string => (typeof b === 'string' ? b : 'list' in b ? b.list.join(' ') : [...b.table.headers, ...b.table.rows.flat()].join(' '));

/** Words of two letters or less, and common French words, do not count in a search. */
const STOP = new Set(['les', 'des', 'une', 'est', 'pour', 'que', 'qui', 'mon', 'mes', 'comment', 'quoi', 'dans', 'sur', 'avec', 'par', 'pas', 'aux', 'faire', 'mais', 'quel', 'quelle']);

/** Articles containing every meaningful word of the query (accents and case ignored), titles first. */
export function searchArticles(query: string): Article[] {
  const words = fold(query)
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 2 && !STOP.has(w));
  if (!words.length) return [];
  return ARTICLES.map((a) => {
    const title = fold(`${a.title} ${a.summary}`);
    const all = `${title} ${fold(a.body.map(blockText).join(' '))}`;
    if (!words.every((w) => all.includes(w))) return null;
    return { a, score: words.filter((w) => title.includes(w)).length };
  })
    .filter((x): x is { a: Article; score: number } => x !== null)
    .sort((x, y) => y.score - x.score)
    .map((x) => x.a);
}
