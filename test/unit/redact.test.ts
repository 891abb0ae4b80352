import { describe, expect, it } from 'vitest';
import { redactUrl } from '../../src/platform/observability/redact.ts';

describe('URLs in logs', () => {
  it('mask emailed tokens, document tokens and OAuth codes, and keep the rest', () => {
    expect(redactUrl('/activation/AbCdEfGhIjKlMnOpQrStUv')).toBe('/activation/[masqué]');
    expect(redactUrl('/mot-de-passe/nouveau/AbCdEfGhIjKlMnOpQrStUv')).toBe('/mot-de-passe/nouveau/[masqué]');
    expect(redactUrl('/mot-de-passe/definir/xyz')).toBe('/mot-de-passe/definir/[masqué]');
    expect(redactUrl('/connexion/franceconnect/lier/xyz')).toBe('/connexion/franceconnect/lier/[masqué]');
    expect(redactUrl('/verification/xyz')).toBe('/verification/[masqué]');
    expect(redactUrl('/connexion/franceconnect/retour?code=secret&state=s2&iss=x')).toBe('/connexion/franceconnect/retour?code=%5Bmasqu%C3%A9%5D&state=%5Bmasqu%C3%A9%5D&iss=x');
    expect(redactUrl('/vehicules/demandes/V26-ABCDEFGH')).toBe('/vehicules/demandes/V26-ABCDEFGH');
    expect(redactUrl('/connexion/franceconnect/lier/courriel')).toBe('/connexion/franceconnect/lier/[masqué]');
  });
});
