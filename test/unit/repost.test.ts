import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { isSecretField, mayEchoPost, readBodyUpTo, REPOST_MAX_BYTES, REPOST_MAX_FIELDS, repostForm } from '../../src/platform/http/repost.ts';
import { renderWaitingRoom } from '../../src/ui/pages/waiting-room.tsx';

/** The rules of what a shed form post gets back on the waiting page (issue 20, F6). */
describe('the fields a shed form post gets back', () => {
  it('names the portal’s secrets (passwords, codes, card) and keeps everything else, the CSRF token and idempotency key included', () => {
    for (const name of ['password', 'current_password', 'new_password', 'mot_de_passe', 'motDePasse', 'mdp', 'code', 'cession_code', 'photo_code', 'has_code', 'card_number', 'cvc', 'otp', 'secret', 'api-token'])
      expect(isSecretField(name), name).toBe(true);
    for (const name of ['_csrf', 'idempotency_key', 'email', 'postcode', 'buyer_postcode', 'given_names', 'retour', 'passport_number', 'message'])
      expect(isSecretField(name), name).toBe(false);
  });

  it('names the secrets whatever their case or spelling (issue 20, F4): the tester’s names and the portal’s own sensitive fields', () => {
    // what the outside tester saw echoed as hidden inputs
    for (const name of ['password2', 'motdepasse', 'CESSIONCODE', 'stamp_number', 'iban', 'rib', 'nir'])
      expect(isSecretField(name), name).toBe(true);
    // the portal's own sensitive fields, read from its forms
    for (const name of ['password', 'current_password', 'new_password', 'code', 'cession_code', 'photo_code', 'has_code', 'card_number', 'cvc', 'stamp', 'stamp_number', 'iban', 'rib'])
      expect(isSecretField(name), name).toBe(true);
    // other usual names, any case
    for (const name of ['PASSWORD', 'Password_Confirm', 'newPassword', 'userPassword', 'pwd', 'MDP', 'mdp_confirmation', 'MotDePasse', 'pincode', 'PIN', 'pin2', 'otp_code', 'TOTP', 'api_key_secret', 'clientSecret', 'access_token', 'csrftoken', 'bic', 'BIC', 'iban_fr', 'Iban', 'rib_titulaire', 'nir_assure', 'secu', 'numero_timbre', 'timbre_fiscal', 'card', 'cardNumber', 'carte_bancaire', 'cvv', 'CVV2', 'apikey'])
      expect(isSecretField(name), name).toBe(true);
    // ordinary fields of the portal stay echoed
    for (const name of ['_csrf', 'idempotency_key', 'email', 'postcode', 'buyer_postcode', 'zipcode', 'passport_number', 'given_names', 'birth_place', 'transaction_ref', 'account_holder', 'neph', 'numero', 'clu', 'message', 'photo_mode', 'plate', 'key', 'departement', 'description', 'subcategory', 'approval_number'])
      expect(isSecretField(name), name).toBe(false);
  });

  it('keeps the fields in order, repeated names included, decodes them, and lists the dropped secrets once', () => {
    const form = repostForm(Buffer.from('_csrf=abc%2Bd&email=camille%40example.fr&password=s3cret&code=123456&password=autre&pieces=a&pieces=b&note=deux+mots%0D%0Aligne'));
    expect(form).toEqual({
      fields: [
        ['_csrf', 'abc+d'],
        ['email', 'camille@example.fr'],
        ['pieces', 'a'],
        ['pieces', 'b'],
        ['note', 'deux mots\r\nligne'],
      ],
      dropped: ['password', 'code'],
    });
  });

  it('echoes nothing past the byte or field cap, nor a badly encoded body', () => {
    expect(repostForm(Buffer.from(`message=${'a'.repeat(REPOST_MAX_BYTES)}`))).toBeNull();
    expect(repostForm(Buffer.from(Array.from({ length: REPOST_MAX_FIELDS + 1 }, (_, i) => `f${i}=x`).join('&')))).toBeNull();
    expect(repostForm(Buffer.from(Array.from({ length: REPOST_MAX_FIELDS }, (_, i) => `f${i}=x`).join('&')))?.fields).toHaveLength(REPOST_MAX_FIELDS);
    expect(repostForm(Buffer.from('email=%E0%A4%A'))).toBeNull();
  });

  it('echoes only a browser’s urlencoded post from this very site', () => {
    const req = (method: string, headers: Record<string, string>) => ({ method, headers: { host: 'titres.example', ...headers } }) as unknown as IncomingMessage;
    const form = { accept: 'text/html,application/xhtml+xml', 'content-type': 'application/x-www-form-urlencoded' };
    expect(mayEchoPost(req('POST', form))).toBe(true);
    expect(mayEchoPost(req('POST', { ...form, origin: 'https://titres.example' }))).toBe(true);
    expect(mayEchoPost(req('POST', { ...form, origin: 'https://attaquant.example' }))).toBe(false);
    expect(mayEchoPost(req('POST', { ...form, origin: 'null' }))).toBe(false);
    expect(mayEchoPost(req('POST', { ...form, 'content-type': 'multipart/form-data; boundary=x' }))).toBe(false);
    expect(mayEchoPost(req('POST', { ...form, accept: 'application/json' }))).toBe(false);
    expect(mayEchoPost(req('GET', form))).toBe(false);
  });

  it('reads a body within its bytes and time, and gives up (null) past either', async () => {
    const stream = (length?: number) => {
      const s = new PassThrough() as unknown as IncomingMessage & PassThrough;
      (s as { headers: Record<string, string> }).headers = length === undefined ? {} : { 'content-length': String(length) };
      return s;
    };
    const whole = stream(7);
    const read = readBodyUpTo(whole, 10, 1000);
    whole.end('a=1&b=2');
    expect((await read)?.toString()).toBe('a=1&b=2');
    expect(await readBodyUpTo(stream(11), 10, 1000)).toBeNull(); // announced too big: not read at all
    const chunked = stream();
    const tooBig = readBodyUpTo(chunked, 10, 1000);
    chunked.write('0123456789');
    chunked.write('x');
    expect(await tooBig).toBeNull();
    const slow = stream(5);
    const late = readBodyUpTo(slow, 10, 50);
    slow.write('ab');
    expect(await late).toBeNull();
  });
});

describe('the waiting page of a shed form post', () => {
  const page = (fields: Array<[string, string]>, dropped: string[] = []) =>
    renderWaitingRoom({ url: '/connexion?retour=/compte', retrySeconds: 10, hasPlace: false, keptSeconds: 60, paused: false, overloaded: true, stylesheet: '/dsfr.css', repost: { fields, dropped } });

  it('re-posts the fields to the same URL on demand, explains the wait, and says the secrets must be typed again', () => {
    const html = page([['_csrf', 'jeton'], ['email', 'camille@example.fr']], ['password']);
    expect(html).toContain('<form method="post" action="/connexion?retour=/compte">');
    expect(html).toContain('<input type="hidden" name="_csrf" value="jeton"/>');
    expect(html).toContain('<input type="hidden" name="email" value="camille@example.fr"/>');
    expect(html).toContain('Renvoyer ma demande</button>');
    expect(html).toContain('Patientez environ 10 secondes');
    expect(html).toContain('les mots de passe et les codes ne sont jamais gardés');
    expect(html).not.toContain('name="password"');
    expect(html).not.toContain('http-equiv');
    expect(page([['email', 'x@example.fr']])).not.toContain('mots de passe');
  });

  it('escapes a reflected script in a field’s name or value', () => {
    const html = page([['"><script>alert(1)</script>', '"><script>alert(2)</script><img src=x onerror=alert(3)>']]);
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('name="&quot;>&lt;script>alert(1)&lt;/script>"');
  });
});
