import { hash, verify, Algorithm } from '@node-rs/argon2';

/**
 * Passwords: argon2id with explicit parameters (OWASP 2023 minimum: 19 MiB, 2 passes, 1 lane),
 * and the CNIL 2022-100 policy: at least 14 characters with no composition rule, or at least 12
 * with an estimated entropy of about 80 bits (the four kinds of characters). Never a forced renewal.
 */
export const ARGON2_PARAMS = { algorithm: Algorithm.Argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1, outputLen: 32 } as const;

export const hashPassword = (password: string): Promise<string> => hash(password, ARGON2_PARAMS);

/** A hash of a random password, verified against when the account does not exist (same timing). */
let decoyHash: Promise<string> | null = null;

export async function verifyPassword(storedHash: string | null, password: string): Promise<boolean> {
  if (!storedHash) {
    decoyHash ??= hashPassword('decoy-password-never-valid-0000');
    await verify(await decoyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}

const COMMON = [
  'password', 'motdepasse', 'azerty', 'qwerty', 'soleil', 'bonjour', 'doudou', 'chouchou', 'loulou', 'marseille',
  'france', 'football', 'iloveyou', 'jetaime', 'admin', 'welcome', 'letmein', 'dragon', 'monkey', 'sunshine',
  'princess', 'portail', 'carte', 'grise', 'permis', 'ants', 'secret', 'changeme', 'nicolas', 'camille',
];
const SEQUENCES = ['0123456789', 'abcdefghijklmnopqrstuvwxyz', 'azertyuiopqsdfghjklmwxcvbn', 'qwertyuiopasdfghjklzxcvbnm'];

/** Bits of entropy of a random password of this length over the kinds of characters it uses. */
export function estimateEntropyBits(password: string): number {
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/\d/.test(password)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(password)) pool += 33;
  return pool ? [...password].length * Math.log2(pool) : 0;
}

/** Why a password is refused, in French, or null when it is acceptable. */
export function passwordProblem(password: string, context: { email?: string; names?: string[] } = {}): string | null {
  const length = [...password].length;
  if (length < 12) return 'Le mot de passe doit contenir au moins 12 caractères';
  if (length > 128) return 'Le mot de passe doit contenir au plus 128 caractères';
  if (length < 14 && estimateEntropyBits(password) < 78)
    return 'Avec moins de 14 caractères, le mot de passe doit mélanger majuscules, minuscules, chiffres et caractères spéciaux. Sinon, choisissez-en au moins 14';
  const lower = password.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  const distinct = new Set(lower).size;
  const stripped = lower.replace(/[^a-z]/g, '');
  const deleet = lower.replace(/[@4]/g, 'a').replace(/0/g, 'o').replace(/[1!|]/g, 'i').replace(/3/g, 'e').replace(/[5$]/g, 's').replace(/7/g, 't').replace(/[^a-z]/g, '');
  const words = [stripped, deleet];
  const personal = [context.email?.split('@')[0], ...(context.names ?? [])]
    .filter((w): w is string => !!w && w.length >= 4)
    .map((w) => w.toLowerCase());
  const guessable =
    distinct <= 3 ||
    SEQUENCES.some((s) => s.includes(lower) || s.includes(stripped) || lower.includes(s.slice(0, 10))) ||
    COMMON.some((w) => words.some((x) => x.replace(/^(.+)\1+$/, '$1') === w || (x.length - w.length <= 4 && x.includes(w)))) ||
    personal.some((w) => lower.includes(w));
  if (guessable) return 'Ce mot de passe est trop facile à deviner : évitez les mots courants, les suites de caractères et votre nom ou adresse électronique';
  return null;
}
