import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf, requireUser, safeReturnPath } from '../../platform/http/guards.ts';
import { AccountDeletedPage, AccountPage, DeleteAccountPage } from './pages/account.tsx';
import { ChangePasswordPage } from './pages/change-password.tsx';
import { SignInPage } from './pages/sign-in.tsx';
import { CheckYourEmailPage, ChooseProfilePage, SignUpPage } from './pages/sign-up.tsx';
import {
  ActivationPage,
  BadActivationLinkPage,
  BadPasswordLinkPage,
  ForgotPasswordPage,
  ResentPage,
  ResetRequestedPage,
  SetPasswordPage,
} from './pages/tokens.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { profileBySlug, type SelfServiceProfile } from './model.ts';
import { accountPageWithSession, type AccountsService, type SignInResult } from './service.ts';
import { checkToken } from './tokens.ts';

type Body = Record<string, string | undefined>;
const body = (request: FastifyRequest): Body => (request.body ?? {}) as Body;
const ctx = (request: FastifyRequest) => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null });

/** Seconds until `until` (at least 1), for a Retry-After header. */
const retryAfter = (until: Date): string => String(Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000)));

/** French message for a refused sign-in (other than a wrong password or a lock). */
export function refusalMessage(result: Exclude<SignInResult, { ok: true }>): string | null {
  switch (result.reason) {
    case 'pending_activation':
      return 'Votre compte n’est pas encore activé : ouvrez le lien reçu par courriel, ou demandez-en un nouveau depuis la page « Créer un compte ».';
    case 'suspended':
      return `Votre compte est suspendu${result.until ? ` jusqu’au ${formatDateTime(result.until)}` : ''}${result.why ? ` : ${result.why}` : ''}. Contactez l’agence si vous pensez qu’il s’agit d’une erreur.`;
    case 'deactivated':
      return 'Votre compte est désactivé : votre habilitation a été suspendue par la préfecture. Vos données sont conservées et vous les retrouverez si elle est rétablie.';
    default:
      return null;
  }
}

export function registerAccountRoutes(app: FastifyInstance, accounts: AccountsService): void {
  // ---- Sign-up ----
  app.get('/inscription', (_request, reply) => reply.render(<ChooseProfilePage />));

  app.get<{ Params: { slug: string } }>('/inscription/:slug', async (request, reply) => {
    const profile = profileBySlug(request.params.slug);
    if (!profile) return reply.callNotFound();
    const key = randomBytes(16).toString('base64url');
    return reply.render(<SignUpPage profile={profile as SelfServiceProfile} values={{ idempotency_key: key }} errors={{}} />);
  });

  app.post<{ Params: { slug: string } }>('/inscription/:slug', async (request, reply) => {
    const profile = profileBySlug(request.params.slug) as SelfServiceProfile | undefined;
    if (!profile) return reply.callNotFound();
    const form = body(request);
    const done = request.session.get<Record<string, string>>('signUps') ?? {};
    // A second submission of the same form (double click, back and resubmit) shows the same result.
    if (form.idempotency_key && done[form.idempotency_key]) return reply.redirect('/inscription/confirmation', 303);
    const outcome = await accounts.signUp(profile, form, actorOf(request));
    if (!outcome.ok) {
      const { password: _password, ...kept } = form;
      if ('limitedUntil' in outcome) reply.header('retry-after', retryAfter(outcome.limitedUntil));
      return reply.render(<SignUpPage profile={profile} values={kept} errors={outcome.errors} />, 'limitedUntil' in outcome ? 429 : 400);
    }
    if (form.idempotency_key) request.session.set('signUps', { ...done, [form.idempotency_key]: outcome.value.email });
    request.session.set('signUpEmail', outcome.value.email);
    return reply.redirect('/inscription/confirmation', 303);
  });

  app.get('/inscription/confirmation', (request, reply) =>
    reply.render(<CheckYourEmailPage email={request.session.get<string>('signUpEmail') ?? null} />),
  );

  // ---- Activation ----
  app.get<{ Params: { token: string } }>('/activation/:token', async (request, reply) => {
    const check = await checkToken(app.database.db, request.params.token, 'activation');
    if (!check.ok) return reply.render(<BadActivationLinkPage reason={check.reason} />, 410);
    // The link opens a page with a button: mail scanners that follow links do not use the token.
    return reply.render(<ActivationPage token={request.params.token} />);
  });

  app.post<{ Params: { token: string } }>('/activation/:token', async (request, reply) => {
    const result = await accounts.activate(request.params.token, actorOf(request));
    if (!result.ok) return reply.render(<BadActivationLinkPage reason={result.reason} />, 410);
    request.session.flash('success', 'Votre compte est activé. Vous pouvez vous connecter.');
    return reply.redirect('/connexion', 303);
  });

  app.post('/activation/renvoyer', async (request, reply) => {
    const email = body(request).email ?? '';
    const outcome = await accounts.resendActivation(email, actorOf(request));
    if (!outcome.ok && 'limitedUntil' in outcome) {
      reply.header('retry-after', retryAfter(outcome.limitedUntil));
      return reply.render(<BadActivationLinkPage reason="expired" errors={outcome.errors} email={email} />, 429);
    }
    if (!outcome.ok) return reply.render(<BadActivationLinkPage reason="expired" errors={outcome.errors} email={email} />, 400);
    return reply.render(<ResentPage />);
  });

  // ---- Sign-in and sign-out ----
  app.get('/connexion', async (request, reply) => {
    const returnTo = safeReturnPath((request.query as Body).retour, '');
    return reply.render(<SignInPage email="" errors={{}} returnTo={returnTo || undefined} />);
  });

  app.post('/connexion', async (request, reply) => {
    const form = body(request);
    const email = (form.email ?? '').trim();
    const returnTo = safeReturnPath(form.retour, '/compte');
    const errors: Record<string, string> = {};
    if (!email) errors.email = 'Saisissez votre adresse électronique';
    if (!form.password) errors.password = 'Saisissez votre mot de passe';
    if (Object.keys(errors).length) return reply.render(<SignInPage email={email} errors={errors} returnTo={form.retour} />, 400);
    const result = await accounts.signIn(email, form.password!, ctx(request));
    if (result.ok) {
      request.session.rotate(result.account.id);
      request.session.set('agentId', undefined);
      request.session.set('signUps', undefined);
      return reply.redirect(returnTo, 303);
    }
    if (result.reason === 'locked') return reply.render(<SignInPage email={email} errors={{}} lockedUntil={result.until} returnTo={form.retour} />, 429);
    const problem = refusalMessage(result);
    if (problem) return reply.render(<SignInPage email={email} errors={{}} problem={problem} returnTo={form.retour} />, 403);
    return reply.render(
      <SignInPage email={email} errors={{ email: 'Adresse électronique ou mot de passe incorrect' }} returnTo={form.retour} />,
      401,
    );
  });

  app.post('/deconnexion', async (request, reply) => {
    const idToken = request.session.get<string>('fcIdToken');
    const wasUser = request.session.userId !== null;
    request.session.destroy();
    if (wasUser && idToken && app.franceConnectLogoutUrl) {
      const url = await app.franceConnectLogoutUrl(idToken).catch(() => null);
      if (url) return reply.redirect(url, 303);
    }
    return reply.redirect('/deconnexion/retour', 303);
  });

  app.get('/deconnexion/retour', (request, reply) => {
    request.session.flash('info', 'Vous êtes déconnecté.');
    return reply.redirect('/', 303);
  });

  // ---- Passwords ----
  app.get('/mot-de-passe-oublie', (_request, reply) => reply.render(<ForgotPasswordPage email="" errors={{}} />));
  app.post('/mot-de-passe-oublie', async (request, reply) => {
    const email = body(request).email ?? '';
    const outcome = await accounts.requestPasswordReset(email, actorOf(request));
    if (!outcome.ok && 'limitedUntil' in outcome) reply.header('retry-after', retryAfter(outcome.limitedUntil));
    if (!outcome.ok) return reply.render(<ForgotPasswordPage email={email} errors={outcome.errors} />, 'limitedUntil' in outcome ? 429 : 400);
    return reply.render(<ResetRequestedPage />);
  });

  for (const [segment, purpose, title] of [
    ['nouveau', 'password_reset', 'Choisir un nouveau mot de passe'],
    ['definir', 'set_password', 'Choisir votre mot de passe'],
  ] as const) {
    app.get<{ Params: { token: string } }>(`/mot-de-passe/${segment}/:token`, async (request, reply) => {
      const check = await accounts.checkPasswordToken(request.params.token, purpose);
      if (!check.ok) return reply.render(<BadPasswordLinkPage reason={check.reason} />, 410);
      const needsTerms = purpose === 'set_password' && (await accounts.needsTerms(request.params.token));
      return reply.render(<SetPasswordPage action={`/mot-de-passe/${segment}/${request.params.token}`} title={title} errors={{}} needsTerms={needsTerms} />);
    });
    app.post<{ Params: { token: string } }>(`/mot-de-passe/${segment}/:token`, async (request, reply) => {
      const needsTerms = purpose === 'set_password' && (await accounts.needsTerms(request.params.token));
      const result = await accounts.setPassword(request.params.token, purpose, body(request).password ?? '', actorOf(request), body(request).terms === 'oui');
      if (!result.ok && 'token' in result) {
        if (!result.token.ok) return reply.render(<BadPasswordLinkPage reason={result.token.reason} />, 410);
      }
      if (!result.ok && 'errors' in result)
        return reply.render(<SetPasswordPage action={`/mot-de-passe/${segment}/${request.params.token}`} title={title} errors={result.errors} needsTerms={needsTerms} />, 400);
      request.session.flash('success', 'Votre mot de passe est enregistré. Connectez-vous avec ce nouveau mot de passe.');
      return reply.redirect('/connexion', 303);
    });
  }

  // ---- The user's own account ----
  app.register(async (scope) => {
    scope.addHook('preHandler', requireUser);

    // the connections and the FranceConnect identity come in the statement that reads the session (one round trip for the page)
    scope.get('/compte', { config: { readWithSession: accountPageWithSession } }, async (request, reply) => {
      const account = request.session.account ?? (await accounts.findById(request.session.userId!)); // read with the session, usually
      if (!account) {
        request.session.destroy();
        return reply.redirect('/connexion', 303);
      }
      const read = request.session.readWith(accountPageWithSession);
      const [history, fc] = read ? [read.history, read.franceConnect] : await Promise.all([accounts.history(account.id), accounts.franceConnectIdentity(account.id)]);
      return reply.render(<AccountPage account={account} history={history} franceConnect={fc ?? null} />);
    });

    scope.get('/compte/mot-de-passe', (_request, reply) => reply.render(<ChangePasswordPage errors={{}} />));

    scope.post('/compte/mot-de-passe', async (request, reply) => {
      const form = body(request);
      const outcome = await accounts.changePassword(
        request.session.userId!,
        { current: form.current_password ?? '', next: form.new_password ?? '' },
        { ...ctx(request), keepSessionIdHash: request.session.idHash },
      );
      if (!outcome.ok && 'locked' in outcome) return reply.render(<ChangePasswordPage errors={{}} lockedUntil={outcome.locked} />, 429);
      if (!outcome.ok) return reply.render(<ChangePasswordPage errors={outcome.errors} />, 400);
      request.session.rotate(request.session.userId);
      request.session.flash('success', 'Votre mot de passe est modifié. Vos autres connexions ouvertes ont été fermées.');
      return reply.redirect('/compte', 303);
    });

    scope.get('/compte/suppression', async (request, reply) => {
      const fc = await accounts.franceConnectIdentity(request.session.userId!);
      return reply.render(<DeleteAccountPage needsPassword={!fc} errors={{}} />);
    });

    scope.post('/compte/suppression', async (request, reply) => {
      const userId = request.session.userId!;
      const outcome = await accounts.deleteOwnAccount(userId, body(request).password ?? null, actorOf(request));
      if (!outcome.ok) return reply.render(<DeleteAccountPage needsPassword errors={outcome.errors} />, 400);
      request.session.destroy();
      return reply.render(<AccountDeletedPage />);
    });
  });
}
