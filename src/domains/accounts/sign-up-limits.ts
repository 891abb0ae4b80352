import { addressKey, limit, type Limit, type ThrottlePolicy } from './throttle.ts';

/**
 * Limits on what an anonymous visitor can make the portal do with a sign-up form (and with the
 * « mot de passe oublié » form, which also sends an email to an address the visitor chooses): each account
 * costs an argon2id hash (19 MiB) and sends an activation email to an address the visitor chooses.
 * Counted by the shared throttle (`throttle.ts`) *before* the password is hashed; a sign-up or a
 * resend that goes through stays counted (nothing is given back).
 *
 * Under a burst, a key admits `free + 1` requests, then refuses until its lock ends: 1 minute, then
 * 2, 4, 8… up to `maxLockMinutes`, and forgets the key after a day without any request.
 */

/** Accounts created from one address (IPv4, or IPv6 /64): 5 at once, then one after each lock, an hour at most. */
export const SIGN_UP_ADDRESS_POLICY: ThrottlePolicy = { free: 4, maxLockMinutes: 60, onSuccess: 'refund' };
/** Activation emails (sign-up or resend) to one mailbox: 3 at once, then one after each lock, a day at most. */
export const ACTIVATION_MAILBOX_POLICY: ThrottlePolicy = { free: 2, maxLockMinutes: 24 * 60, onSuccess: 'refund' };
/** Resend requests from one address, whatever the mailbox. */
export const RESEND_ADDRESS_POLICY: ThrottlePolicy = { free: 4, maxLockMinutes: 60, onSuccess: 'refund' };
/** Password-reset emails to one mailbox: 3 at once, then one after each lock, an hour at most (a person locked out must not wait a day). */
export const RESET_MAILBOX_POLICY: ThrottlePolicy = { free: 2, maxLockMinutes: 60, onSuccess: 'refund' };
/** Password-reset requests from one address, whatever the mailbox. */
export const RESET_ADDRESS_POLICY: ThrottlePolicy = { free: 4, maxLockMinutes: 60, onSuccess: 'refund' };

/**
 * The mailbox an address delivers to: lower case, without the `+tag` of its local part
 * (`Victim+1@Example.org` and `victim+2@example.org` land in `victim@example.org`).
 */
export function mailboxKey(email: string): string {
  const address = email.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at < 0) return address;
  const local = address.slice(0, at);
  const plus = local.indexOf('+');
  return `${plus > 0 ? local.slice(0, plus) : local}${address.slice(at)}`;
}

/** The keys of a sign-up: the address it comes from, and the mailbox the activation email goes to. */
export function signUpLimits(email: string, ip: string): Limit[] {
  return [limit(`sign-up:ip:${addressKey(ip)}`, SIGN_UP_ADDRESS_POLICY), limit(`activation:mailbox:${mailboxKey(email)}`, ACTIVATION_MAILBOX_POLICY)];
}

/** The keys of an activation link resent: the same mailbox as the sign-ups, and the address asking. */
export function resendLimits(email: string, ip: string): Limit[] {
  return [limit(`activation-resend:ip:${addressKey(ip)}`, RESEND_ADDRESS_POLICY), limit(`activation:mailbox:${mailboxKey(email)}`, ACTIVATION_MAILBOX_POLICY)];
}

/** The keys of a password reset asked: the address asking, and the mailbox the link goes to (whether or not an account has it). */
export function resetLimits(email: string, ip: string): Limit[] {
  return [limit(`password-reset:ip:${addressKey(ip)}`, RESET_ADDRESS_POLICY), limit(`password-reset:mailbox:${mailboxKey(email)}`, RESET_MAILBOX_POLICY)];
}
