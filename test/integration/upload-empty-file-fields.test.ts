import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type TestApp, type TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

/**
 * Issue 16: a browser sends every file input of a form, the empty ones too (filename "" and no
 * bytes). The complementary procedure's pieces page for someone else's first registration from
 * abroad has 8 of them: the portal answered 413 "Requête invalide" even with one file attached.
 */

const PDF = readFileSync('test/fixtures/recepisse-vol.pdf');
const CERTIFIED = 'demo.garage@example.fr';
const HOLDER = { kind: 'natural', birth_name: 'Moreau', given_names: 'Lucie', birth_date: '1985-06-14', birth_place: 'Nantes', line1: '3, place du Commerce', postcode: '44000', commune: 'nantes' };

/** The form's parts in document order, as Chromium builds them: an empty file input is a part with filename="" and no bytes. */
function chromiumMultipart(csrf: string, fileFields: string[], attached: Record<string, { filename: string; bytes: Buffer }>) {
  const boundary = '----WebKitFormBoundary' + Math.random().toString(36).slice(2, 18);
  const parts: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n`)];
  for (const name of fileFields) {
    const file = attached[name];
    parts.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${file?.filename ?? ''}"\r\nContent-Type: ${file ? 'application/pdf' : 'application/octet-stream'}\r\n\r\n`),
      file?.bytes ?? Buffer.alloc(0),
      Buffer.from('\r\n'),
    );
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('a form with empty file inputs, as a browser sends it', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  async function piecesPage(): Promise<{ client: TestClient; base: string; fileFields: string[] }> {
    const client = await signInUser(t.app, CERTIFIED);
    const res = await client.follow(await postNewProcedure(client, { kind: 'complementary', initiator: 'other', plate: '' }));
    const base = res.url;
    await client.post(`${base}/categorie`, { category: 'first_registration' });
    await client.post(`${base}/sous-categorie`, { subcategory: 'from_abroad' });
    await client.post(`${base}/objet`, { object: 'Immatriculer pour la première fois une voiture achetée en Allemagne, pour un client.' });
    await client.post(`${base}/titulaire`, HOLDER);
    const page = await client.get(base);
    const form = new RegExp(`<form[^>]*action="${base}/pieces"[^>]*>([\\s\\S]*?)</form>`).exec(page.body)![1]!;
    const fileFields = [...form.matchAll(/<input[^>]*type="file"[^>]*>/g)].map((m) => /name="([^"]+)"/.exec(m[0])![1]!);
    return { client, base, fileFields };
  }

  async function send(client: TestClient, base: string, fileFields: string[], attached: Record<string, { filename: string; bytes: Buffer }>) {
    const { payload, contentType } = chromiumMultipart(client.csrfToken(), fileFields, attached);
    const cookie = [...(client as unknown as { cookies: Map<string, string> }).cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    return t.app.inject({ method: 'POST', url: `${base}/pieces`, payload, headers: { 'content-type': contentType, accept: 'text/html', cookie } });
  }

  it('accepts one file among the 8 file fields of the pieces page (7 sent empty), then all 8 files', async () => {
    const { client, base, fileFields } = await piecesPage();
    expect(fileFields).toHaveLength(8);
    const one = await send(client, base, fileFields, { piece_mandate_13757: { filename: 'mandat.pdf', bytes: PDF } });
    expect(one.statusCode, textOf(one.body).slice(0, 300)).toBe(303);
    const after = textOf((await client.get(base)).body);
    expect(after).toContain('mandat.pdf');

    const all = await send(client, base, fileFields, Object.fromEntries(fileFields.map((f, i) => [f, { filename: `piece-${i + 1}.pdf`, bytes: PDF }])));
    expect(all.statusCode, textOf(all.body).slice(0, 300)).toBe(303);
    const done = textOf((await client.get(base)).body);
    for (let i = 1; i <= 8; i++) expect(done).toContain(`piece-${i}.pdf`);
    expect(textOf((await client.post(`${base}/poursuivre`, {})).body)).not.toContain('Joignez');
  });

  it('refuses more files than the page has fields with a French page that says how many it takes', async () => {
    const { client, base, fileFields } = await piecesPage();
    // "Autre pièce utile" sent twice: 9 files in one post
    const tooMany = [...fileFields, 'piece_other'];
    const res = await send(client, base, tooMany, Object.fromEntries(tooMany.map((f, i) => [f, { filename: `piece-${i + 1}.pdf`, bytes: PDF }])));
    expect(res.statusCode).toBe(413);
    expect(textOf(res.body)).toContain('Ce formulaire accepte 8 fichiers au plus en un envoi');
  });
});
