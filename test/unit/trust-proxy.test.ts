import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ConfigError, fastifyTrustProxy, loadConfig, parseTrustProxy, testConfig } from '../../src/config.ts';

const production = {
  NODE_ENV: 'production',
  SESSION_SECRET: 'x'.repeat(40),
  DATABASE_URL: 'postgres://localhost/portail',
  PUBLIC_URL: 'https://titres.example.fr',
};

describe('TRUST_PROXY', () => {
  it('reads a hop count, a list of proxy addresses or ranges, or false', () => {
    expect(parseTrustProxy('false')).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('1')).toBe(1);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.0/8')).toEqual(['10.0.0.0/8']);
    expect(parseTrustProxy('10.0.0.0/8, 192.0.2.10,2001:db8::/32')).toEqual(['10.0.0.0/8', '192.0.2.10', '2001:db8::/32']);
    expect(parseTrustProxy('n’importe quoi')).toBeNull();
  });

  it('refuses true (every hop trusted) in production, with a message that says what to give instead', () => {
    let message = '';
    try {
      loadConfig({ ...production, TRUST_PROXY: 'true' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain('TRUST_PROXY : true est interdit en production');
    expect(message).toContain('nombre de relais');
    // a hop count is not the problem reported
    try {
      loadConfig({ ...production, TRUST_PROXY: '1' });
    } catch (error) {
      expect((error as Error).message).not.toContain('TRUST_PROXY');
    }
  });

  it('refuses a value that is neither a count nor addresses', () => {
    expect(() => testConfig({ TRUST_PROXY: 'tous' })).toThrow(/TRUST_PROXY : un nombre de relais/);
  });
});

describe('the client address behind a trusted hop', () => {
  /** What request.ip is for a request from `remoteAddress` carrying X-Forwarded-For `forwarded`. */
  async function clientAddress(trust: string, remoteAddress: string, forwarded: string): Promise<string> {
    const app = Fastify({ trustProxy: fastifyTrustProxy(parseTrustProxy(trust)!) });
    app.get('/ip', async (request) => request.ip);
    const res = await app.inject({ url: '/ip', remoteAddress, headers: { 'x-forwarded-for': forwarded } });
    await app.close();
    return res.body;
  }

  it('takes the address the one trusted proxy saw, not the one the client forged', async () => {
    // the client sent "X-Forwarded-For: 6.6.6.6"; the load balancer appended the address it saw
    expect(await clientAddress('1', '10.0.0.5', '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
    expect(await clientAddress('10.0.0.0/8', '10.0.0.5', '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
  });

  it('ignores X-Forwarded-For from an address that is not a listed proxy', async () => {
    expect(await clientAddress('10.0.0.0/8', '198.51.100.4', '6.6.6.6')).toBe('198.51.100.4');
    expect(await clientAddress('false', '198.51.100.4', '6.6.6.6')).toBe('198.51.100.4');
  });

  it('would let the client choose its address with true (why production refuses it)', async () => {
    expect(await clientAddress('true', '10.0.0.5', '6.6.6.6, 203.0.113.9')).toBe('6.6.6.6');
  });
});
