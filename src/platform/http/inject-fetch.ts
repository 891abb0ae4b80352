import type { FastifyInstance } from 'fastify';

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/**
 * A fetch() that answers through app.inject instead of the network: the URL's host becomes the Host
 * header, redirects are not followed. Used by the portal to reach its own built-in FranceConnect simulator without a network round trip.
 */
export function injectFetch(app: FastifyInstance): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const res = await app.inject({
      method: request.method as 'GET',
      url: request.url,
      headers: Object.fromEntries(request.headers),
      ...(body ? { payload: body } : {}),
    });
    const headers = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      for (const one of [value ?? []].flat()) headers.append(name, String(one));
    }
    return new Response(NULL_BODY_STATUS.has(res.statusCode) ? null : new Uint8Array(res.rawPayload), { status: res.statusCode, headers });
  };
}
