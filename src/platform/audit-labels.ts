/**
 * The French name of every action code written to the audit trail (platform/audit.ts), for what a
 * person reads: "Mon historique", a request's timeline, the back office's history. One table for the
 * whole portal; test/unit/audit-labels.test.ts fails when an action code used in src/ has no label here.
 *
 * The labels are neutral about who acted (a timeline shows the actor beside them) and never name an
 * agent: the user reads "le centre d'instruction", the back office adds the agent's name itself.
 */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  // accounts
  'account.created': 'Compte créé',
  'account.sign_up_limited': 'Inscription refusée : trop de comptes depuis la même connexion ou pour la même boîte aux lettres',
  'account.password_reset_limited': 'Lien pour choisir un nouveau mot de passe refusé : trop de demandes depuis la même connexion ou pour la même boîte aux lettres',
  'account.activation_resend_limited': 'Nouveau lien d’activation refusé : trop de demandes depuis la même connexion ou pour la même boîte aux lettres',
  'account.activated': 'Compte activé',
  'account.signed_in': 'Connexion au compte',
  'account.sign_in_failed': 'Connexion refusée : mot de passe erroné',
  'account.password_reset_requested': 'Réinitialisation du mot de passe demandée',
  'account.password_reset': 'Mot de passe réinitialisé',
  'account.password_set': 'Mot de passe défini',
  'account.password_changed': 'Mot de passe modifié',
  'account.password_change_failed': 'Changement de mot de passe refusé : mot de passe actuel erroné',
  'account.deletion_password_failed': 'Suppression du compte refusée : mot de passe erroné',
  'account.franceconnect_linked': 'Compte relié à FranceConnect',
  'account.mobile_changed': 'Numéro de mobile modifié',
  'account.suspended': 'Compte suspendu par l’agence',
  'account.reactivated': 'Compte réactivé par l’agence',
  'account.suspension_ended': 'Fin de la suspension du compte',
  'account.deactivated': 'Compte désactivé : habilitation SIV suspendue',
  'account.reinstated': 'Compte rétabli avec l’habilitation SIV',
  'account.viewed': 'Compte consulté par un agent',
  'account.deleted': 'Compte supprimé par l’agence',
  'account.deleted_by_user': 'Compte supprimé par son titulaire',

  // agents and the back office
  'agent.signed_in': 'Connexion d’un agent',
  'agent.sign_in_failed': 'Connexion d’un agent refusée : mot de passe erroné',
  'agent.password_verified': 'Mot de passe d’un agent vérifié',
  'agent.second_factor_failed': 'Code de double authentification erroné',
  'agent.totp_enrolled': 'Application d’authentification enregistrée',
  'agent.searched_notifications': 'Recherche dans le journal des notifications',
  'agent.viewed_request': 'Un agent du centre d’instruction a consulté la demande',
  'agent.viewed_attachment': 'Un agent du centre d’instruction a consulté une pièce',
  'agent.took_request': 'Un agent du centre d’instruction a pris la demande',
  'agent.released_request': 'Demande remise dans la file du centre d’instruction',
  'agent.messaged_user': 'Message du centre d’instruction',
  'agent.exported_history': 'Historique de la demande exporté',
  'habilitation.requested': 'Habilitation SIV demandée',
  'habilitation.validate': 'Habilitation SIV validée',
  'habilitation.refuse': 'Habilitation SIV refusée',
  'habilitation.suspend': 'Habilitation SIV suspendue',
  'habilitation.reinstate': 'Habilitation SIV rétablie',
  'habilitation.terminate': 'Fin de l’habilitation SIV',
  'maintenance.scheduled': 'Maintenance programmée',
  'maintenance.cancelled': 'Maintenance annulée',
  'closure.announced': 'Fermeture du portail annoncée',
  'closure.accounts_deleted': 'Comptes supprimés après la fermeture du portail',
  'directory.imported': 'Annuaire des lieux importé',
  'registry.imported': 'Véhicules importés dans le registre (fichier CSV)',
  'registry.import_refused': 'Import de véhicules refusé : aucun véhicule ajouté',
  'tax_rate.scheduled': 'Taux de taxe programmé',

  // vehicle procedures (the state machine's actions are vehicle_procedure.<action>)
  'vehicle_procedure.started': 'Démarche commencée',
  'vehicle_procedure.code_verified': 'Code confidentiel accepté',
  'vehicle_procedure.submit_for_review': 'Demande transmise au centre d’instruction',
  'vehicle_procedure.resubmit': 'Réponse transmise au centre d’instruction',
  'vehicle_procedure.ask_complement': 'Complément demandé par le centre d’instruction',
  'vehicle_procedure.accept_pieces': 'Pièces validées par le centre d’instruction',
  'vehicle_procedure.process': 'Demande traitée par le centre d’instruction',
  'vehicle_procedure.reject': 'Demande rejetée par le centre d’instruction',
  'vehicle_procedure.file_for_payment': 'Demande validée, en attente de paiement',
  'vehicle_procedure.paid': 'Demande payée et terminée',
  'vehicle_procedure.paid_for_review': 'Demande payée et transmise au centre d’instruction',
  'vehicle_procedure.complete_free': 'Démarche terminée (sans paiement)',
  'vehicle_procedure.cancel': 'Démarche abandonnée',
  'vehicle_procedure.cancelled': 'Démarche abandonnée',
  'vehicle_procedure.superseded': 'Démarche close : le véhicule a un nouveau certificat',
  'vehicle_procedure.vehicle_sold': 'Démarche close : le véhicule a été déclaré vendu',
  'vehicle_procedure.sold_refused': 'Démarche refusée et abandonnée : le véhicule a été déclaré vendu',
  'vehicle_procedure.user_message': 'Message envoyé au centre d’instruction',
  'confidential_code.verified': 'Code confidentiel accepté',
  'confidential_code.failed': 'Code confidentiel erroné',
  'confidential_code.locked': 'Saisie du code confidentiel bloquée',
  'confidential_code.reissued': 'Nouveau code confidentiel demandé',
  'confidential_code.request_refused': 'Nouveau code refusé : identité du titulaire non reconnue',
  'confidential_code.request_already_sent': 'Nouveau code déjà envoyé récemment',
  'cession_code.refused': 'Code de cession refusé',
  'vehicle.sale_declared': 'Cession déclarée',
  'vehicle.address_change_filed': 'Changement d’adresse enregistré',
  'vehicle.address_changed': 'Adresse du véhicule mise à jour',
  'vehicle.holder_change_filed': 'Changement de titulaire enregistré',
  'vehicle.holder_change_refused': 'Changement de titulaire refusé',
  'vehicle.holder_changed': 'Véhicule inscrit au nom du nouveau titulaire',
  'vehicle.certificate_invalidated': 'Ancien certificat d’immatriculation invalidé',
  'vehicle.certificate_theft_recorded': 'Vol du certificat d’immatriculation enregistré au système d’immatriculation',
  'attachment.accepted': 'Pièce acceptée par le centre d’instruction',
  'attachment.refused': 'Pièce refusée par le centre d’instruction',

  // payments
  'payment.started': 'Paiement commencé',
  'payment.success': 'Paiement accepté',
  'payment.failed': 'Paiement refusé par la banque',
  'payment.cancelled': 'Paiement annulé',
  'payment.error': 'Erreur du prestataire de paiement',
  'payment.expired': 'Paiement expiré',
  'payment.to_refund': 'Paiement à rembourser',
  'payment.refunded': 'Paiement remboursé',

  // driving-licence requests (the state machine's transitions are licence.<transition>)
  'licence.draft_created': 'Brouillon de demande créé',
  'licence.draft_deleted': 'Brouillon supprimé',
  'licence.pieces_added': 'Pièces justificatives ajoutées',
  'licence.submit': 'Demande envoyée à l’administration',
  'licence.resubmit': 'Demande complétée renvoyée à l’administration',
  'licence.taken': 'Demande prise en charge par l’administration',
  'licence.check_images': 'Vérification de la photo et de la signature',
  'licence.accept_images': 'Photo et signature acceptées',
  'licence.reject_images': 'Photo ou signature non conforme',
  'licence.request_complement': 'Complément demandé',
  'licence.reject': 'Demande rejetée',
  'licence.validate': 'Demande validée : permis envoyé sous 15 jours',
  'licence.piece_accepted': 'Pièce acceptée',
  'licence.piece_refused': 'Pièce refusée',
  'licence.neph_departments_changed': 'Départements de réactivation du NEPH modifiés',
  'licence.purged': 'Demandes supprimées 6 mois après leur création',

  // identity card and passport pre-applications
  'pre_application.started': 'Pré-demande commencée',
  'pre_application.submitted': 'Pré-demande validée : numéro attribué',
  'pre_application.taken': 'Pré-demande recueillie en mairie',
  'pre_application.lookup': 'Pré-demande recherchée par une mairie',

  // fiscal stamps
  'stamp.bought': 'Timbre fiscal acheté',
  'stamp.consumed': 'Timbre fiscal utilisé',
  'stamp.refund_requested': 'Remboursement de timbre fiscal demandé',
  'stamp.refunded': 'Timbre fiscal remboursé',
  'stamp.refund_refused': 'Remboursement de timbre fiscal refusé',

  // contact requests
  'contact.created': 'Demande de contact envoyée',
  'contact.viewed': 'Demande de contact lue par l’assistance',
  'contact.answered': 'Réponse de l’assistance',

  // news (Actualités)
  'news.created': 'Actualité rédigée',
  'news.published': 'Actualité publiée',
  'news.withdrawn': 'Actualité retirée',

  // demo data (src/demo/)
  'demo.vehicle_queue_filled': 'Demandes de démonstration déposées dans la file du centre d’instruction',
};

/** The French name of an action code; an unknown code (never expected: see the test) reads as a generic operation. */
export const auditActionLabel = (action: string): string => AUDIT_ACTION_LABELS[action] ?? 'Opération enregistrée';
