import { sessionTiming } from '../../platform/http/session.ts';
import { usePage } from '../page-context.ts';
import { staticHtml } from '../rendered-once.tsx';

/** The warning's text, the same on every page: rendered once per process. */
function SessionTimeoutAlert() {
  return (
    <div class="fr-alert fr-alert--warning">
      <h2 class="fr-alert__title" id="session-timeout-title">
        Votre session va bientôt expirer
      </h2>
      <p class="app-session-timeout__text">
        Sans action de votre part, vous serez déconnecté dans quelques minutes. Ce que vous avez saisi et pas encore envoyé serait conservé
        jusqu’à votre prochaine connexion.
      </p>
      <p class="app-session-timeout__expired" hidden>
        Votre session a expiré. Envoyez votre formulaire : ce que vous avez saisi sera conservé et vous le retrouverez après vous être reconnecté.
      </p>
      <button type="button" class="fr-btn fr-btn--sm fr-mt-1w app-session-timeout__extend">
        Rester connecté
      </button>
    </div>
  );
}
/**
 * On every page of a signed-in user (top of main): a warning shown by public/session-timeout.js five minutes before the session
 * ends for lack of activity, with "Rester connecté" (POST /session/prolonger with the CSRF token).
 * Hidden and inert without JavaScript: then a form posted too late is kept (form-drafts.tsx).
 */
export function SessionTimeout() {
  const page = usePage();
  if (page.user?.kind !== 'user') return null;
  return (
    <>
      <div
        id="session-timeout"
        class="fr-container fr-mt-3w"
        hidden
        data-idle-seconds={String(sessionTiming.idleMinutes * 60)}
        data-csrf={page.csrfToken()}
        tabIndex={-1}
        dangerouslySetInnerHTML={staticHtml(SessionTimeoutAlert)}
      />
      <script src={page.assets.own['session-timeout.js']} defer></script>
    </>
  );
}
