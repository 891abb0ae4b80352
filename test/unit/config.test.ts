import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

const base = { SESSION_SECRET: 'x'.repeat(40), DATA_DIR: './.tmp/config-test' };

describe('configuration', () => {
  it('defaults to the embedded database on port 3000 with the dev outbox and demo data', () => {
    const c = loadConfig(base);
    expect(c.database.kind).toBe('pglite');
    expect(c.port).toBe(3000);
    expect(c.publicUrl).toBe('http://localhost:3000');
    expect(c.devOutbox).toBe(true);
    expect(c.demoData).toBe(true);
  });

  it('switches to PostgreSQL when DATABASE_URL is set, without demo data', () => {
    const c = loadConfig({ ...base, DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/portal' });
    expect(c.database).toEqual({ kind: 'postgres', url: 'postgres://u:p@127.0.0.1:5432/portal', poolSize: 10 });
    expect(c.demoData).toBe(false);
  });

  it("lets one browser's six parallel connections of a signed-in account through the per-account cap", () => {
    // an agent's page shows each scan of a request as an <img> behind the session: Chromium fetches
    // them over up to 6 connections at once, and none of them may get the 429 page
    expect(loadConfig(base).accountLimit.perAccount).toBeGreaterThanOrEqual(6);
  });

  it('refuses a bad value and names the variable', () => {
    expect(() => loadConfig({ ...base, PORT: 'soixante' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, PORT: 'soixante' })).toThrow(/PORT/);
    expect(() => loadConfig({ ...base, DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL : doit commencer par postgres/);
    expect(() => loadConfig({ ...base, SESSION_SECRET: 'court' })).toThrow(/SESSION_SECRET : au moins 32 caractères/);
  });

  it('requires the production settings in production and forbids the dev outbox there', () => {
    const error = (() => {
      try {
        loadConfig({ NODE_ENV: 'production', DEV_OUTBOX: 'true' });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    for (const name of ['SESSION_SECRET', 'SEAL_PRIVATE_KEY', 'DATABASE_URL', 'SMTP_URL', 'PUBLIC_URL', 'DEV_OUTBOX', 'S3_ENDPOINT', 'SMS_API_URL']) expect(error).toContain(name);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        SESSION_SECRET: 'y'.repeat(40),
        DATABASE_URL: 'postgres://db/portal',
        SMTP_URL: 'smtp://mail:25',
        PUBLIC_URL: 'http://titres.example',
      }),
    ).toThrow(/PUBLIC_URL : doit être en https/);
  });

  it('refuses demo data, a moved clock and a public /metrics in production', () => {
    const production = {
      NODE_ENV: 'production',
      SESSION_SECRET: 'y'.repeat(40),
      DATABASE_URL: 'postgres://db/portal',
      SMTP_URL: 'smtp://mail:25',
      PUBLIC_URL: 'https://titres.example',
      FRANCECONNECT_ISSUER: 'https://fc.example',
      FRANCECONNECT_CLIENT_ID: 'client',
      FRANCECONNECT_CLIENT_SECRET: 'z'.repeat(20),
      S3_ENDPOINT: 'https://s3.example',
      S3_BUCKET: 'titres',
      S3_ACCESS_KEY_ID: 'key',
      S3_SECRET_ACCESS_KEY: 'secret-secret',
      SMS_API_URL: 'https://sms.example',
      SMS_API_TOKEN: 't'.repeat(20),
      METRICS_TOKEN: 'm'.repeat(20),
      SEAL_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nMIG…\\n-----END PRIVATE KEY-----',
    };
    expect(loadConfig(production).demoData).toBe(false);
    expect(() => loadConfig({ ...production, DEMO_DATA: 'true' })).toThrow(/DEMO_DATA : interdit en production/);
    expect(() => loadConfig({ ...production, APP_CLOCK_START: '2027-02-01T09:00' })).toThrow(/APP_CLOCK_START : interdit en production/);
    expect(() => loadConfig({ ...production, METRICS_TOKEN: undefined as unknown as string })).toThrow(/METRICS_TOKEN : obligatoire en production/);
  });

  it('reads APP_CLOCK_START in Paris time and names a bad one', () => {
    expect(loadConfig({ ...base, APP_CLOCK_START: '2027-12-31T23:59' }).clockStart?.toISOString()).toBe('2027-12-31T22:59:00.000Z');
    expect(() => loadConfig({ ...base, APP_CLOCK_START: 'demain' })).toThrow(/APP_CLOCK_START : date et heure attendues/);
  });

  it('is frozen', () => {
    const c = loadConfig(base);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.database)).toBe(true);
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('checks the map tiles settings with the rest', () => {
    expect(loadConfig(base).map).toMatchObject({ tilesOrigin: 'https://tile.openstreetmap.org' });
    expect(() => loadConfig({ ...base, MAP_TILES_URL: 'https://tiles.example.fr/{z}/{x}/{y}.png' })).toThrow(/MAP_TILES_ATTRIBUTION : obligatoire/);
  });
});
