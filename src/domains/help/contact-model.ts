import { z } from 'zod';
import { emailField } from '../accounts/model.ts';
import type { ThrottlePolicy } from '../accounts/throttle.ts';
import type { ContactFileKind, ContactStatus, ContactTopic } from './tables.ts';

/** The agency answers a request for information within 15 working days (terms of use §1.15). */
export const ANSWER_WORKING_DAYS = 15;

export const TOPIC_LABELS: Record<ContactTopic, string> = {
  account: 'Mon compte (création, connexion, suppression)',
  vehicle: 'Une démarche de carte grise',
  licence: 'Une démarche de permis de conduire',
  identity: 'Une pré-demande de carte d’identité ou de passeport',
  town_hall: 'Ma mairie : demander un compte (mairie équipée d’un dispositif de recueil)',
  other: 'Une autre question',
};

/** The kind of request a contact request names, found among the account's own requests. */
export const FILE_KIND_LABELS: Record<ContactFileKind, string> = {
  vehicle: 'Démarche de carte grise',
  licence: 'Demande de permis de conduire',
  identity: 'Pré-demande de carte d’identité ou de passeport',
};

export const STATUS_LABELS: Record<ContactStatus, string> = { open: 'En attente de réponse', answered: 'Répondue' };

/** The owner kind of a contact request's files, and the subject kind of its audit rows. */
export const CONTACT_OWNER = 'contact_request';

/**
 * The lifecycle of a contact request, as data: the agency answers an open request once. Every
 * change goes through applyContactTransition (transitions.ts), which checks it here.
 */
export const CONTACT_TRANSITIONS = {
  answer: { from: ['open'], to: 'answered' },
} as const satisfies Record<string, { from: readonly ContactStatus[]; to: ContactStatus }>;
export type ContactAction = keyof typeof CONTACT_TRANSITIONS;

export const canContact = (action: ContactAction, status: ContactStatus): boolean => (CONTACT_TRANSITIONS[action].from as readonly ContactStatus[]).includes(status);

/** Vehicle procedure file numbers as the portal issues them (checked to be the user's in the service). */
export const FILE_NUMBER = /^[A-Z0-9-]{6,30}$/;

export const contactSchema = z.object({
  topic: z.enum(Object.keys(TOPIC_LABELS) as [ContactTopic, ...ContactTopic[]], { error: 'Choisissez le sujet de votre demande' }),
  file_number: z
    .string()
    .trim()
    .toUpperCase()
    .max(30, 'Un numéro de dossier comporte 30 caractères au plus')
    .refine((v) => v === '' || FILE_NUMBER.test(v), 'Le numéro de dossier comporte des lettres, des chiffres et des tirets, tel qu’il figure dans « Mes démarches »')
    .optional()
    .transform((v) => v || null),
  subject: z.string({ error: 'Saisissez l’objet de votre demande' }).trim().min(1, 'Saisissez l’objet de votre demande').max(150, 'L’objet comporte 150 caractères au plus'),
  message: z
    .string({ error: 'Saisissez votre message' })
    .trim()
    .min(10, 'Décrivez votre demande en quelques mots (10 caractères au moins)')
    .max(4000, 'Votre message comporte 4 000 caractères au plus : résumez-le, ou joignez un document'),
  idempotency_key: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'Le formulaire a expiré : rechargez la page et recommencez'),
});

/** Without an account, the sender says who they are and where the answer goes. */
export const senderSchema = z.object({
  sender_name: z.string({ error: 'Saisissez votre nom, ou celui de votre mairie ou de votre organisme' }).trim().min(1, 'Saisissez votre nom, ou celui de votre mairie ou de votre organisme').max(100, 'Le nom comporte 100 caractères au plus'),
  sender_email: emailField,
});

/**
 * Contact without an account is guarded by rate limits, not by an account: per address (IPv6 by
 * its /64) and per recipient address (nobody floods someone else's mailbox with acknowledgements).
 * Each message counts; after `free` messages each new one waits 1, 2, 4… minutes, up to an hour;
 * counts are forgotten after a day without message (purgeThrottle).
 */
export const PUBLIC_CONTACT_IP_POLICY: ThrottlePolicy = { free: 5, maxLockMinutes: 60, onSuccess: 'refund' };
export const PUBLIC_CONTACT_EMAIL_POLICY: ThrottlePolicy = { free: 3, maxLockMinutes: 60, onSuccess: 'refund' };

export const answerSchema = z.object({
  answer: z.string({ error: 'Saisissez la réponse' }).trim().min(1, 'Saisissez la réponse').max(4000, 'La réponse comporte 4 000 caractères au plus'),
});

/** How many files one contact request may carry. */
export const MAX_CONTACT_FILES = 3;
