import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { csrfTokenOf, Session } from '../../src/platform/http/session.ts';

const SECRET = 'test-secret-test-secret-test-secret-0123';

describe('a session’s CSRF token, remembered per session id', () => {
  it('is the HMAC of the session’s id, and a new one once the id is rotated (sign-in)', () => {
    const session = Session.fresh(SECRET);
    const before = session.csrfToken();
    expect(before).toBe(csrfTokenOf(session.cookieValue, SECRET));
    expect(session.csrfToken()).toBe(before);
    session.rotate(42);
    const after = session.csrfToken();
    expect(after).not.toBe(before);
    expect(after).toBe(csrfTokenOf(session.cookieValue, SECRET));
    expect(session.verifyCsrf(before)).toBe(false); // the anonymous page's token no longer passes (not persisted yet either)
  });

  it('differs between two sessions, and between two secrets for the same id', () => {
    expect(Session.fresh(SECRET).csrfToken()).not.toBe(Session.fresh(SECRET).csrfToken());
    const id = Session.fresh(SECRET).cookieValue;
    expect(csrfTokenOf(id, SECRET)).toBe(createHmac('sha256', SECRET).update(`csrf:${id}`).digest('base64url'));
    expect(csrfTokenOf(id, 'another-secret-another-secret-0123456')).not.toBe(csrfTokenOf(id, SECRET));
  });
});
