import { formatDateTime } from '../../platform/format-date.ts';
import type { EmailMessage } from '../../platform/mail/messages.ts';

/** The emails of the accounts domain: what happened, what to do, the link; no personal data beyond the name. */
const SIGNATURE = '\n\nL’équipe du Portail des titres sécurisés\nCe message est envoyé automatiquement, merci de ne pas y répondre.';

export const activationEmail = (to: string, url: string): EmailMessage => ({
  channel: 'email',
  to,
  subject: 'Activez votre compte',
  action: 'Activer mon compte',
  text: `Bonjour,\n\nVotre compte sur le Portail des titres sécurisés a été créé. Pour l’activer, ouvrez ce lien dans les 72 heures :\n\n${url}\n\nSi vous n’êtes pas à l’origine de cette demande, ignorez ce message : le compte ne sera pas activé.${SIGNATURE}`,
});

export const resetEmail = (to: string, url: string): EmailMessage => ({
  channel: 'email',
  to,
  subject: 'Choisissez un nouveau mot de passe',
  action: 'Choisir un nouveau mot de passe',
  text: `Bonjour,\n\nVous avez demandé à changer le mot de passe de votre compte. Ouvrez ce lien dans l’heure qui vient pour en choisir un nouveau :\n\n${url}\n\nSi vous n’êtes pas à l’origine de cette demande, ignorez ce message : votre mot de passe reste le même.${SIGNATURE}`,
});

export const resetUnknownEmail = (to: string, signUpUrl: string): EmailMessage => ({
  channel: 'email',
  to,
  subject: 'Demande de nouveau mot de passe',
  action: 'Créer un compte',
  text: `Bonjour,\n\nQuelqu’un a demandé un nouveau mot de passe pour cette adresse, mais aucun compte du Portail des titres sécurisés n’y est associé. Pour créer un compte :\n\n${signUpUrl}\n\nSi vous n’êtes pas à l’origine de cette demande, ignorez ce message.${SIGNATURE}`,
});

export const setPasswordEmail = (to: string, url: string, why: string): EmailMessage => ({
  channel: 'email',
  to,
  subject: 'Votre compte est prêt : choisissez votre mot de passe',
  action: 'Choisir mon mot de passe',
  text: `Bonjour,\n\n${why} Pour vous connecter, choisissez votre mot de passe en ouvrant ce lien dans les 72 heures :\n\n${url}${SIGNATURE}`,
});

export const linkFranceConnectEmail = (to: string, url: string): EmailMessage => ({
  channel: 'email',
  to,
  subject: 'Confirmez la liaison de votre compte avec FranceConnect',
  action: 'Relier mon compte à FranceConnect',
  text: `Bonjour,\n\nVous vous êtes connecté avec FranceConnect et un compte du portail existe déjà avec cette adresse. Pour relier les deux, ouvrez ce lien dans l’heure qui vient :\n\n${url}\n\nSi vous n’êtes pas à l’origine de cette demande, ignorez ce message et changez votre mot de passe.${SIGNATURE}`,
});


export const suspensionEmail = (to: string, reason: string, until: Date): EmailMessage => ({
  channel: 'email',
  to,
  subject: 'Votre compte est suspendu',
  text: `Bonjour,\n\nL’accès à votre compte est suspendu jusqu’au ${formatDateTime(until)}, pour le motif suivant :\n\n${reason}\n\nVos démarches et vos données sont conservées. Si vous pensez qu’il s’agit d’une erreur, contactez l’agence (conditions générales d’utilisation, article 1.11.1).${SIGNATURE}`,
});

export const reactivationEmail = (to: string): EmailMessage => ({
  channel: 'email',
  to,
  subject: 'Votre compte est de nouveau accessible',
  text: `Bonjour,\n\nL’accès à votre compte est rétabli. Vous pouvez vous connecter et reprendre vos démarches.${SIGNATURE}`,
});

export const deletionEmail = (to: string, why: string): EmailMessage => ({
  channel: 'email',
  to,
  subject: 'Votre compte a été supprimé',
  text: `Bonjour,\n\n${why} Vos données personnelles ont été effacées.${SIGNATURE}`,
});

export const habilitationRequestEmail = (to: string): EmailMessage => ({
  channel: 'email',
  to,
  subject: 'Demande d’habilitation SIV reçue',
  text: `Bonjour,\n\nVotre demande d’habilitation au système d’immatriculation des véhicules a bien été reçue. La préfecture va l’examiner ; vous recevrez un courriel lorsqu’elle aura décidé. Si elle est validée, ce courriel contiendra le lien pour choisir votre mot de passe.${SIGNATURE}`,
});

export const habilitationDecisionEmail = (to: string, decision: 'refused' | 'suspended' | 'terminated' | 'reinstated', reason: string | null): EmailMessage => {
  const what = {
    refused: 'La préfecture a refusé votre demande d’habilitation au système d’immatriculation des véhicules.',
    suspended: 'La préfecture a suspendu votre habilitation au système d’immatriculation des véhicules : votre compte est désactivé. Vos démarches et vos données sont conservées et vous les retrouverez si l’habilitation est rétablie.',
    terminated: 'La préfecture a mis fin à votre habilitation au système d’immatriculation des véhicules : votre compte et vos données ont été supprimés.',
    reinstated: 'La préfecture a rétabli votre habilitation : votre compte est de nouveau accessible.',
  }[decision];
  return { channel: 'email', to, subject: 'Décision sur votre habilitation SIV', text: `Bonjour,\n\n${what}${reason ? `\n\nMotif : ${reason}` : ''}${SIGNATURE}` };
};

/** Wrong passwords pile up on an agent's account (from any address): the account stays open, the agent is told. */
export const agentSignInAlertEmail = (to: string, attempts: number, signInUrl: string): EmailMessage => ({
  channel: 'email',
  to,
  subject: 'Tentatives de connexion à votre compte agent',
  text: `Bonjour,\n\nCes dernières heures, ${attempts} tentatives de connexion avec un mot de passe incorrect ont visé votre compte agent du Portail des titres sécurisés.\n\nVotre compte n’est pas bloqué : sans le code de votre application d’authentification, personne ne peut s’y connecter. Vous pouvez continuer à vous connecter normalement :\n\n${signInUrl}\n\nSi vous n’êtes pas à l’origine de ces tentatives, prévenez le responsable de la sécurité de votre service.${SIGNATURE}`,
});

/** Wrong TOTP codes after a right password: someone may know the agent's password. */
export const agentSecondFactorAlertEmail = (to: string, attempts: number): EmailMessage => ({
  channel: 'email',
  to,
  subject: 'Codes de vérification refusés sur votre compte agent',
  text: `Bonjour,\n\nLe mot de passe de votre compte agent du Portail des titres sécurisés a été saisi correctement, puis ${attempts} codes de vérification incorrects ont été refusés.\n\nSi vous n’êtes pas à l’origine de ces essais, quelqu’un connaît peut-être votre mot de passe : faites-le changer sans attendre par l’administrateur et prévenez le responsable de la sécurité de votre service.${SIGNATURE}`,
});

export const passwordChangedEmail = (to: string, resetUrl: string): EmailMessage => ({
  channel: 'email',
  to,
  subject: 'Votre mot de passe a été modifié',
  action: 'Choisir un nouveau mot de passe',
  text: `Bonjour,\n\nLe mot de passe de votre compte vient d’être modifié depuis votre espace « Mon compte ». Vos autres connexions ouvertes ont été fermées.\n\nSi vous n’êtes pas à l’origine de ce changement, choisissez tout de suite un nouveau mot de passe :\n\n${resetUrl}${SIGNATURE}`,
});
