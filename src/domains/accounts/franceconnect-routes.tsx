import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FranceConnectError, type FranceConnectClient, type FranceConnectLoginStart } from '../../platform/oidc/franceconnect-client.ts';
import type { IdentitePivot } from '../../platform/oidc/identity.ts';
import { ActivationPage } from './pages/tokens.tsx';
import { FranceConnectFailurePage, FranceConnectLinkPage, FranceConnectTermsPage } from './pages/sign-in.tsx';
import { refusalMessage } from './routes.tsx';
import type { AccountsService } from './service.ts';

interface PendingIdentity {
  identity: IdentitePivot;
  idToken: string;
}

const ctx = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null });
const EXPIRED = 'Votre connexion avec FranceConnect a expiré. Recommencez.';

/**
 * FranceConnect on the portal's side: start, callback, first sign-in (terms), and linking to an
 * existing account of the same email (by its password, or by a link sent to that address).
 */
export function registerFranceConnectRoutes(app: FastifyInstance, client: FranceConnectClient, accounts: AccountsService): void {
  function signedIn(request: FastifyRequest, accountId: number, idToken: string) {
    request.session.rotate(accountId);
    request.session.set('agentId', undefined);
    request.session.set('fcPending', undefined);
    request.session.set('fcIdToken', idToken);
  }

  app.get('/connexion/franceconnect', async (request, reply) => {
    try {
      const start = await client.startLogin();
      request.session.set('fcLogin', { state: start.state, nonce: start.nonce, codeVerifier: start.codeVerifier });
      return reply.redirect(start.url, 303);
    } catch (error) {
      request.log.warn({ err: error }, 'FranceConnect : échec au lancement de la connexion');
      const message = error instanceof FranceConnectError ? error.message : 'FranceConnect est momentanément indisponible. Réessayez dans quelques minutes.';
      return reply.render(<FranceConnectFailurePage message={message} />, 503);
    }
  });

  app.get('/connexion/franceconnect/retour', async (request, reply) => {
    const expected = request.session.get<Omit<FranceConnectLoginStart, 'url'>>('fcLogin');
    request.session.set('fcLogin', undefined); // one use, whatever happens
    if (!expected) return reply.render(<FranceConnectFailurePage message={EXPIRED} />, 400);
    let result: { identity: IdentitePivot; idToken: string };
    try {
      result = await client.finishLogin(new URL(request.url, app.config.publicUrl), expected);
    } catch (error) {
      request.log.warn({ err: error, code: (error as FranceConnectError).code }, 'FranceConnect : retour de connexion refusé');
      const message = error instanceof FranceConnectError ? error.message : 'La connexion avec FranceConnect a échoué. Réessayez ou connectez-vous avec votre adresse électronique.';
      return reply.render(<FranceConnectFailurePage message={message} />, 400);
    }
    const outcome = await accounts.signInWithFranceConnect(result.identity, ctx(request));
    switch (outcome.kind) {
      case 'signed-in':
        signedIn(request, outcome.account.id, result.idToken);
        return reply.redirect('/compte', 303);
      case 'refused':
        return reply.render(<FranceConnectFailurePage message={refusalMessage(outcome.result) ?? 'Ce compte ne peut pas être utilisé.'} />, 403);
      case 'terms-required':
        request.session.set('fcPending', result satisfies PendingIdentity);
        return reply.redirect('/connexion/franceconnect/premiere-connexion', 303);
      case 'link-required':
        request.session.set('fcPending', result satisfies PendingIdentity);
        return reply.redirect('/connexion/franceconnect/lier', 303);
    }
  });

  app.get('/connexion/franceconnect/premiere-connexion', async (request, reply) => {
    const pending = request.session.get<PendingIdentity>('fcPending');
    if (!pending) return reply.render(<FranceConnectFailurePage message={EXPIRED} />, 400);
    return reply.render(<FranceConnectTermsPage givenName={pending.identity.given_name} errors={{}} />);
  });

  app.post('/connexion/franceconnect/premiere-connexion', async (request, reply) => {
    const pending = request.session.get<PendingIdentity>('fcPending');
    if (!pending) return reply.render(<FranceConnectFailurePage message={EXPIRED} />, 400);
    const accepted = (request.body as Record<string, string | undefined>).terms === 'oui';
    const outcome = await accounts.createFromFranceConnect(pending.identity, accepted, ctx(request));
    if (!outcome.ok) return reply.render(<FranceConnectTermsPage givenName={pending.identity.given_name} errors={outcome.errors} />, 400);
    signedIn(request, outcome.value.id, pending.idToken);
    request.session.flash('success', 'Votre compte certifié est créé.');
    return reply.redirect('/compte', 303);
  });

  app.get('/connexion/franceconnect/lier', async (request, reply) => {
    const pending = request.session.get<PendingIdentity>('fcPending');
    if (!pending) return reply.render(<FranceConnectFailurePage message={EXPIRED} />, 400);
    return reply.render(<FranceConnectLinkPage email={pending.identity.email} errors={{}} />);
  });

  app.post('/connexion/franceconnect/lier', async (request, reply) => {
    const pending = request.session.get<PendingIdentity>('fcPending');
    if (!pending) return reply.render(<FranceConnectFailurePage message={EXPIRED} />, 400);
    const password = (request.body as Record<string, string | undefined>).password ?? '';
    const outcome = await accounts.linkWithPassword(pending.identity, password, ctx(request));
    if (!outcome.ok) {
      if ('locked' in outcome) return reply.render(<FranceConnectLinkPage email={pending.identity.email} errors={{}} lockedUntil={outcome.locked} />, 429);
      return reply.render(<FranceConnectLinkPage email={pending.identity.email} errors={outcome.errors} />, 400);
    }
    signedIn(request, outcome.value.id, pending.idToken);
    request.session.flash('success', 'Votre compte est relié à FranceConnect : il est désormais certifié.');
    return reply.redirect('/compte', 303);
  });

  app.post('/connexion/franceconnect/lier/courriel', async (request, reply) => {
    const pending = request.session.get<PendingIdentity>('fcPending');
    if (!pending) return reply.render(<FranceConnectFailurePage message={EXPIRED} />, 400);
    await accounts.sendLinkEmail(pending.identity);
    return reply.render(<FranceConnectLinkPage email={pending.identity.email} errors={{}} sent />);
  });

  app.get<{ Params: { token: string } }>('/connexion/franceconnect/lier/:token', (request, reply) =>
    reply.render(<ActivationPage token={request.params.token} action={`/connexion/franceconnect/lier/${request.params.token}`} title="Relier votre compte à FranceConnect" button="Relier mon compte" />),
  );

  app.post<{ Params: { token: string } }>('/connexion/franceconnect/lier/:token', async (request, reply) => {
    const outcome = await accounts.linkWithToken(request.params.token, ctx(request));
    if (!outcome.ok) {
      const message = 'token' in outcome ? 'Ce lien n’est plus valable. Reconnectez-vous avec FranceConnect pour en recevoir un nouveau.' : 'Ce compte ne peut pas être relié pour le moment.';
      return reply.render(<FranceConnectFailurePage message={message} />, 410);
    }
    request.session.rotate(outcome.value.id);
    request.session.set('fcPending', undefined);
    request.session.flash('success', 'Votre compte est relié à FranceConnect : il est désormais certifié.');
    return reply.redirect('/compte', 303);
  });
}
