import type { TokenCheck } from '../tokens.ts';
import { Alert } from '../../../ui/components/content.tsx';
import { ErrorSummary, TermsCheckbox, Form, SubmitButton, TextInput, type FieldErrors } from '../../../ui/components/form.tsx';
import { Layout } from '../../../ui/layout.tsx';
import { ResendActivationForm } from './sign-up.tsx';

const REASONS: Record<Exclude<TokenCheck, { ok: true }>['reason'], string> = {
  unknown: 'Ce lien n’est pas valide. Vérifiez que vous avez copié l’adresse en entier.',
  expired: 'Ce lien a expiré.',
  used: 'Ce lien a déjà été utilisé.',
};

/** The page an emailed link opens: one button that uses the link (mail scanners only GET it). */
export function ActivationPage({ token, action, title, button }: { token: string; action?: string; title?: string; button?: string }) {
  const heading = title ?? 'Activer votre compte';
  return (
    <Layout title={heading}>
      <h1>{heading}</h1>
      <p>{button ? 'Confirmez pour continuer.' : 'Confirmez l’activation de votre compte pour pouvoir vous connecter.'}</p>
      <Form action={action ?? `/activation/${token}`}>
        <SubmitButton>{button ?? 'Activer mon compte'}</SubmitButton>
      </Form>
    </Layout>
  );
}

export function BadActivationLinkPage({ reason, errors, email }: { reason: keyof typeof REASONS; errors?: FieldErrors; email?: string }) {
  return (
    <Layout title="Lien d’activation invalide" hasErrors={!!errors?.email}>
      <ErrorSummary errors={errors ?? {}} />
      <h1>Lien d’activation invalide</h1>
      <Alert kind="error">{REASONS[reason]}</Alert>
      {reason === 'used' ? (
        <p>
          Si votre compte est déjà activé, <a href="/connexion">connectez-vous</a>.
        </p>
      ) : (
        <>
          <p>Saisissez votre adresse électronique pour recevoir un nouveau lien d’activation.</p>
          <ResendActivationForm email={email ?? ''} error={errors?.email} />
        </>
      )}
    </Layout>
  );
}

export function ResentPage() {
  return (
    <Layout title="Nouveau lien envoyé">
      <h1>Nouveau lien envoyé</h1>
      <p>
        Si un compte en attente d’activation correspond à cette adresse, un nouveau lien vient d’y être envoyé. Il est
        valable 72 heures ; les liens précédents ne fonctionnent plus.
      </p>
      <p>
        <a href="/connexion">Retour à la connexion</a>
      </p>
    </Layout>
  );
}

export function ForgotPasswordPage({ email, errors }: { email: string; errors: FieldErrors }) {
  return (
    <Layout title="Mot de passe oublié" hasErrors={!!errors.email}>
      <ErrorSummary errors={errors} />
      <h1>Mot de passe oublié</h1>
      <p>Saisissez l’adresse électronique de votre compte : vous recevrez un lien pour choisir un nouveau mot de passe.</p>
      <Form action="/mot-de-passe-oublie">
        <TextInput name="email" type="email" label="Adresse électronique" autocomplete="email" value={email} error={errors.email} />
        <SubmitButton>Recevoir le lien</SubmitButton>
      </Form>
    </Layout>
  );
}

export function ResetRequestedPage() {
  return (
    <Layout title="Vérifiez votre messagerie">
      <h1>Vérifiez votre messagerie</h1>
      <p>
        Si un compte correspond à cette adresse, un lien pour choisir un nouveau mot de passe vient d’y être envoyé. Il est
        valable une heure.
      </p>
      <p>
        <a href="/connexion">Retour à la connexion</a>
      </p>
    </Layout>
  );
}

export function SetPasswordPage({ action, title, errors, needsTerms }: { action: string; title: string; errors: FieldErrors; needsTerms?: boolean }) {
  return (
    <Layout title={title} hasErrors={Object.keys(errors).length > 0}>
      <ErrorSummary errors={errors} />
      <h1>{title}</h1>
      <Form action={action}>
        <TextInput
          name="password"
          type="password"
          label="Nouveau mot de passe"
          hint="Au moins 14 caractères, ou au moins 12 en mélangeant majuscules, minuscules, chiffres et caractères spéciaux."
          autocomplete="new-password"
          error={errors.password}
        />
        {needsTerms && (
          <>
            <TermsCheckbox error={errors.terms} />
          </>
        )}
        <SubmitButton>Enregistrer le mot de passe</SubmitButton>
      </Form>
    </Layout>
  );
}

export function BadPasswordLinkPage({ reason }: { reason: keyof typeof REASONS }) {
  return (
    <Layout title="Lien invalide">
      <h1>Lien invalide</h1>
      <Alert kind="error">{REASONS[reason]}</Alert>
      <p>
        <a class="fr-btn" href="/mot-de-passe-oublie">
          Demander un nouveau lien
        </a>
      </p>
    </Layout>
  );
}
