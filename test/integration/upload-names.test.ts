import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { filenameForType } from '../../src/platform/files/validation.ts';
import { multipartBody, type TestApp, textOf, useSeededApp } from '../helpers/app.ts';
import { signInUser } from '../helpers/users.ts';

/**
 * Issue 15, point 7: an attachment is named after the type recognised from its bytes. A PDF sent
 * as "x.html" is stored and served as "x.pdf", so that no download ever carries a name the
 * browser or the agent's computer would open as a web page.
 */
const PDF = readFileSync('test/fixtures/recepisse-vol.pdf');
const PNG = readFileSync('test/fixtures/scan.png');

describe('attachment names follow the detected type', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  it('replaces an extension that does not match the type, keeps one that does', () => {
    expect(filenameForType('x.html', 'application/pdf')).toBe('x.pdf');
    expect(filenameForType('facture', 'application/pdf')).toBe('facture.pdf');
    expect(filenameForType('scan.JPEG', 'image/jpeg')).toBe('scan.JPEG');
    expect(filenameForType('scan.jpg.exe', 'image/jpeg')).toBe('scan.jpg.jpg');
    expect(filenameForType('photo.svg', 'image/png')).toBe('photo.png');
    expect(filenameForType('numérisation.tif', 'image/tiff')).toBe('numérisation.tif');
  });

  it('stores and serves a PDF sent as "x.html" under "x.pdf"', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    await client.get('/contact');
    const key = /name="idempotency_key" value="([^"]*)"/.exec(client.lastHtml)![1]!;
    const { payload, contentType } = multipartBody(
      { _csrf: client.csrfToken(), idempotency_key: key, topic: 'vehicle', subject: 'Pièce jointe', message: 'Voici le document.' },
      [
        { field: 'pieces', filename: 'x.html', bytes: PDF, contentType: 'text/html' },
        { field: 'pieces', filename: 'image.svg', bytes: PNG, contentType: 'image/svg+xml' },
      ],
    );
    const cookie = [...(client as unknown as { cookies: Map<string, string> }).cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await t.app.inject({ method: 'POST', url: '/contact', payload, headers: { 'content-type': contentType, accept: 'text/html', cookie } });
    expect(res.statusCode).toBe(303);
    const page = await client.follow(res);
    const text = textOf(page.body);
    expect(text).toMatch(/x\.pdf \(\d+ Ko\)/);
    expect(text).toMatch(/image\.png \(\d+ Ko\)/);
    expect(page.body).not.toContain('x.html');
    const stored = await t.database.db.selectFrom('attachments').select(['filename', 'mime']).orderBy('id').execute();
    expect(stored).toEqual([
      { filename: 'x.pdf', mime: 'application/pdf' },
      { filename: 'image.png', mime: 'image/png' },
    ]);
    const download = /href="(\/contact\/demandes\/[^"]+\/pieces\/\d+)"/.exec(page.body)![1]!;
    const file = await client.get(download);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.headers['content-disposition']).toMatch(/^(inline|attachment); filename\*=UTF-8''x\.pdf$/);
  });
});
