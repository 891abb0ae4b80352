import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { renderPlugin } from '../../src/platform/http/render.ts';

describe('reply.render', () => {
  it('sends the page as its UTF-8 bytes, their exact length announced', async () => {
    const page = '<!DOCTYPE html><p>Carte d’identité « À compléter » — 1 000 €</p>';
    const app = Fastify();
    await app.register(renderPlugin, { document: async () => page });
    app.get('/', (_request, reply) => reply.render(<p />, 201));
    const res = await app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(201);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(page)));
    expect(res.body).toBe(page);
    await app.close();
  });
});
