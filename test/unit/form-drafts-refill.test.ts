import { describe, expect, it } from 'vitest';
import { keepableValues, refillForm } from '../../src/platform/http/form-drafts.tsx';

describe('a kept form put back in its page', () => {
  it('fills text fields, even those rendered with a bare empty value, escaping what was typed', () => {
    const html = '<input class="fr-input" name="mileage" type="text" value inputmode="numeric"/><input name="city" type="text" value="Lyon"/><textarea name="note" rows="5">old</textarea>';
    const out = refillForm(html, { mileage: '84500', city: '"><script>alert(1)</script>', note: 'a < b' });
    expect(out).toContain('name="mileage" type="text" inputmode="numeric" value="84500"/>');
    expect(out).not.toMatch(/value inputmode/);
    expect(out).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(out).not.toContain('value="Lyon"');
    expect(out).toContain('>a &lt; b</textarea>');
  });

  it('ticks the radio and the option chosen, and only them; hidden fields and passwords stay as rendered', () => {
    const html =
      '<input type="radio" name="kind" value="natural" checked/><input type="radio" name="kind" value="legal"/>' +
      '<select name="use"><option value="" selected>—</option><option value="personnel">P</option></select>' +
      '<input type="hidden" name="_csrf" value="TOKEN"/><input type="password" name="pw"/>';
    const out = refillForm(html, { kind: 'legal', use: 'personnel', _csrf: 'EVIL', pw: 'x' });
    expect(out).toContain('<input type="radio" name="kind" value="natural"/>');
    expect(out).toContain('<input type="radio" name="kind" value="legal" checked/>');
    expect(out).toContain('<option value="">—</option><option value="personnel" selected>P</option>');
    expect(out).toContain('value="TOKEN"');
    expect(out).toContain('<input type="password" name="pw"/>');
  });

  it('never keeps a password, a code, a token, the CSRF token or a file; keeps a postcode', () => {
    const kept = keepableValues({ _csrf: 't', password: 'p', new_password: 'p', code: 'c', cession_code: 'c', idempotency_key: 'k', intent: 'later', buyer_postcode: '33000', name: ['first', 'second'], file: { filename: 'x' } });
    expect(kept).toEqual({ buyer_postcode: '33000', name: 'first' });
    // a payment card is never written to the database, even as a draft (helper H, 2 December)
    expect(keepableValues({ card_number: '4970101122334455', expiry: '12/28', cvc: '123', pin: '0000', buyer_commune: 'Lyon' })).toEqual({ expiry: '12/28', buyer_commune: 'Lyon' });
  });
});
