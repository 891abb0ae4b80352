/**
 * Request URLs as they may appear in logs: emailed tokens, document tokens and OAuth codes are
 * secrets, so the path segment or query value carrying them is replaced.
 */
const TOKEN_PATHS = /^(\/(?:activation|mot-de-passe\/(?:nouveau|definir)|connexion\/franceconnect\/lier|verification)\/)[^/?]+/;
const SECRET_PARAMS = ['code', 'state', 'id_token_hint', 'token'];

export function redactUrl(url: string): string {
  const [path = '', query] = url.split('?', 2);
  const safePath = path.replace(TOKEN_PATHS, '$1[masqué]');
  if (!query) return safePath;
  const params = new URLSearchParams(query);
  for (const name of SECRET_PARAMS) if (params.has(name)) params.set(name, '[masqué]');
  return `${safePath}?${params.toString()}`;
}
