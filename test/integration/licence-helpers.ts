import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { TestClient } from '../helpers/app.ts';

/** A tiny valid PNG (1×1) and PDF, recognised from their bytes. */
export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');

/** Posts a multipart form as a browser would (CSRF token of the last page, cookies of the client). */
export async function postMultipart(app: FastifyInstance, client: TestClient, url: string, fields: Record<string, string>, files: Record<string, { filename: string; bytes: Buffer }>) {
  const form = new FormData();
  form.append('_csrf', client.csrfToken());
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  for (const [k, f] of Object.entries(files)) form.append(k, new Blob([new Uint8Array(f.bytes)]), f.filename);
  const res = new Response(form);
  const payload = Buffer.from(await res.arrayBuffer());
  const cookie = (client as unknown as { cookies: Map<string, string> }).cookies;
  const out = await app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': res.headers.get('content-type')!, accept: 'text/html', cookie: [...cookie].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  if (out.headers['content-type']?.toString().startsWith('text/html')) client.lastHtml = out.body;
  return out;
}

export const IDENTITY = {
  family_name: 'Martin',
  given_names: 'Camille',
  sex: 'F',
  birth_date: '14/07/1990',
  birth_place: 'Lyon',
  address_line1: '12 rue de la Roquette',
  postcode: '75011',
  commune: 'Paris',
};

/** Starts a request from "Nouvelle demande" and returns its file number. */
export async function startRequest(client: TestClient, reason: string, forWhom = 'self'): Promise<string> {
  await client.get('/permis/demandes/nouvelle');
  const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
  const res = await client.post('/permis/demandes/nouvelle', { idempotency_key: key, reason, for_whom: forWhom });
  expect(res.statusCode).toBe(303);
  const file = /\/permis\/demandes\/([^/]+)\/etape/.exec(String(res.headers.location))![1]!;
  return file;
}
