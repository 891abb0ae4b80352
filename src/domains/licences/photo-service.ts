import { createHmac, hkdfSync, randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { addressKey, limit, throttle, type ThrottlePolicy } from '../accounts/throttle.ts';
import { normalizePhotoCode, PHOTO_CODE } from './model.ts';

/**
 * The built-in photo-signature service: approved photographers and booths issue a 22-digit
 * code with the photo sheet; a licence request links it once. Codes are stored as keyed HMACs (the
 * code is the only secret: a plain hash would do as well, the key makes a stolen table useless);
 * wrong codes count in the throttle per account and per IP.
 */
export const PHOTO_CODE_VALIDITY_MONTHS = 6;
export const PHOTO_POLICY: ThrottlePolicy = { free: 5, maxLockMinutes: 60, onSuccess: 'refund' };
export const PHOTO_IP_POLICY: ThrottlePolicy = { free: 20, maxLockMinutes: 60, onSuccess: 'refund' };
const ALPHABET = '0123456789'; // FAQ: « un code, à 22 chiffres »

/** Demo codes, issued with the demo data (README): unused until a request takes them. */
export const DEMO_PHOTO_CODES: readonly string[] = [
  '2026120100000000000001',
  '2026120100000000000002',
  '2026120100000000000003',
  '2026120100000000000004',
  '2026120100000000000005',
  '2026120100000000000006',
  '2026120100000000000007',
  '2026120100000000000008',
  '2026120100000000000009',
];

function key(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'licence-photo-code', 'portail-titres', 32));
}
export const hashPhotoCode = (secret: string, code: string): string => createHmac('sha256', key(secret)).update(code).digest('hex');

export type PhotoCheck = { ok: true; id: number } | { ok: false; error: string; locked?: boolean };

export function createPhotoService(deps: { db: Db; sessionSecret: string }) {
  const { db, sessionSecret } = deps;
  // refund on success: one good code of his own must not reset the count of someone trying others'
  const throttleKeys = (accountId: number, ip: string) => [limit(`licence-photo:${accountId}`, PHOTO_POLICY), limit(`licence-photo-ip:${addressKey(ip)}`, PHOTO_IP_POLICY)];

  return {
    /** Issues a new code for a photographer (the demo booth, the seed). Returns the code, shown once. */
    async issue(trx: Db, photographer: string, code?: string): Promise<string> {
      const value = code ?? Array.from({ length: 22 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
      const expires = new Date();
      expires.setUTCMonth(expires.getUTCMonth() + PHOTO_CODE_VALIDITY_MONTHS);
      await trx
        .insertInto('licence_photo_codes')
        .values({ code_hash: hashPhotoCode(sessionSecret, value), photographer, expires_at: expires })
        .onConflict((oc) => oc.column('code_hash').doNothing())
        .execute();
      return value;
    },

    /** The demo booth's code for one click: derived from the form's idempotency key, so a double click issues one code. */
    boothCode(idempotencyKey: string): string {
      const mac = createHmac('sha256', key(sessionSecret)).update(`booth:${idempotencyKey}`).digest();
      return Array.from(mac.subarray(0, 22), (b) => ALPHABET[b % ALPHABET.length]).join('');
    },

    /**
     * Checks a code typed by a user: its shape, then (unless locked) the service. An unknown or used
     * code counts as a failure for the account and the IP.
     */
    async check(input: string, who: { accountId: number; ip: string }, requestId: number): Promise<PhotoCheck> {
      const code = normalizePhotoCode(input);
      if (!code) return { ok: false, error: 'Saisissez le code de 22 chiffres inscrit sur la planche photo-signature' };
      if (!PHOTO_CODE.test(code)) return { ok: false, error: 'Le code photo-signature comporte 22 chiffres, tel qu’inscrit sur la planche remise par le photographe ou la cabine' };
      const attempt = await throttle(db, throttleKeys(who.accountId, who.ip));
      const until = attempt.lockedUntil;
      if (!attempt.admitted && until)
        return { ok: false, locked: true, error: `Trop de codes erronés : la vérification est bloquée jusqu’à ${until.toLocaleTimeString('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' })}. Vérifiez le code sur votre planche photo.` };
      const row = await db.selectFrom('licence_photo_codes').selectAll().where('code_hash', '=', hashPhotoCode(sessionSecret, code)).executeTakeFirst();
      let error: string | null = null;
      if (!row) error = 'Ce code photo-signature est inconnu : vérifiez-le sur votre planche photo (22 chiffres)';
      else if (row.used_at && row.used_by_request_id !== requestId) error = 'Ce code photo-signature a déjà été utilisé pour une autre demande : un code ne sert qu’une fois. Faites une nouvelle photo chez un photographe ou dans une cabine agréés';
      else if (row.expires_at.getTime() < Date.now()) error = 'Ce code photo-signature a expiré (validité 6 mois) : faites une nouvelle photo';
      if (error || !row) return { ok: false, error: error! }; // counted already
      await attempt.succeeded(db);
      return { ok: true, id: row.id };
    },

    /** Links a checked code to a request; false when someone else took it in the meantime. */
    async use(trx: Db, codeId: number, requestId: number): Promise<boolean> {
      const r = await trx
        .updateTable('licence_photo_codes')
        .set({ used_at: sql<Date>`now()`, used_by_request_id: requestId })
        .where('id', '=', codeId)
        .where((eb) => eb.or([eb('used_at', 'is', null), eb('used_by_request_id', '=', requestId)]))
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },

    /** A draft deleted or switched to another photo gives its code back. */
    async release(trx: Db, requestId: number, keep: number | null = null): Promise<void> {
      let q = trx.updateTable('licence_photo_codes').set({ used_at: null, used_by_request_id: null }).where('used_by_request_id', '=', requestId);
      if (keep !== null) q = q.where('id', '<>', keep);
      await q.execute();
    },
  };
}
export type PhotoService = ReturnType<typeof createPhotoService>;
