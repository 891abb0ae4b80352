import { describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config.ts';
import { contentSecurityPolicy } from '../../src/platform/http/security-headers.ts';

const PAYFIP = { PAYFIP_WS_URL: 'https://www.tipi.budget.gouv.fr/tpa/services/securite', PAYFIP_PAYMENT_URL: 'https://www.payfip.gouv.fr/tpa/paiementws.web', PAYFIP_NUMCLI: '012345' };
const FRANCECONNECT = { FRANCECONNECT_ISSUER: 'https://oidc.franceconnect.gouv.fr/api/v2', FRANCECONNECT_CLIENT_ID: 'client', FRANCECONNECT_CLIENT_SECRET: 's'.repeat(32) };

describe('the content security policy’s form-action', () => {
  it('names exactly the configured PayFiP payment origin and FranceConnect origin besides our own', () => {
    const csp = contentSecurityPolicy(testConfig({ PUBLIC_URL: 'https://titres.example.gouv.fr', ...PAYFIP, ...FRANCECONNECT }));
    expect(csp['form-action']).toEqual(["'self'", 'https://oidc.franceconnect.gouv.fr', 'https://www.payfip.gouv.fr']);
    // not the web service's origin (never a form's target), nothing else either
    expect(JSON.stringify(csp)).not.toContain('tipi.budget.gouv.fr');
    // the other directives keep our own origin only
    for (const name of ['default-src', 'script-src', 'style-src', 'connect-src', 'base-uri', 'font-src']) expect(csp[name], name).toEqual(["'self'"]);
  });

  it('follows the config: another PayFiP or FranceConnect address replaces the former, and no payment provider adds nothing', () => {
    const moved = contentSecurityPolicy(testConfig({ ...PAYFIP, PAYFIP_PAYMENT_URL: 'https://payfip.test:8443/x', FRANCECONNECT_ISSUER: 'https://fc.test/api', FRANCECONNECT_CLIENT_ID: 'c', FRANCECONNECT_CLIENT_SECRET: 's'.repeat(32) }));
    expect(moved['form-action']).toEqual(["'self'", 'https://fc.test', 'https://payfip.test:8443']);
    // the built-in simulators (payment and FranceConnect) are served by the portal itself
    const embedded = contentSecurityPolicy(testConfig({ PUBLIC_URL: 'http://127.0.0.1:4321' }));
    expect(embedded['form-action']).toEqual(["'self'", 'http://127.0.0.1:4321']);
  });
});
