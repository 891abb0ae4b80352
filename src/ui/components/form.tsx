import type { ComponentChildren } from 'preact';
import { Unbroken } from './unbroken.tsx';
import { ACCEPT_ATTRIBUTE, UPLOAD_HINT } from '../../platform/files/validation.ts';
import { usePage } from '../page-context.ts';

/** Field name → French message. */
export type FieldErrors = Record<string, string>;

/** A form that posts with the session's CSRF token; browser validation is off (server decides). */
export function Form(props: {
  action: string;
  method?: 'post' | 'get';
  children: ComponentChildren;
  id?: string;
  enctype?: 'multipart/form-data';
}) {
  const page = usePage();
  const method = props.method ?? 'post';
  return (
    <form action={props.action} method={method} noValidate id={props.id} encType={props.enctype}>
      {method === 'post' && <input type="hidden" name="_csrf" value={page.csrfToken()} />}
      {props.children}
    </form>
  );
}

/**
 * The error summary at the top of `main` (GOV.UK/DSFR pattern): focused on load, one link per
 * problem to its field. Fields are listed in the order given.
 */
export function ErrorSummary({ errors, fieldIds }: { errors: FieldErrors; fieldIds?: Record<string, string> }) {
  const entries = Object.entries(errors);
  if (!entries.length) return null;
  return (
    <div
      class="fr-alert fr-alert--error fr-mb-4w app-error-summary"
      role="alert"
      aria-labelledby="error-summary-title"
      tabIndex={-1}
      id="error-summary"
      autofocus
    >
      <h2 class="fr-alert__title" id="error-summary-title">
        {entries.length === 1 ? 'Le formulaire contient une erreur' : `Le formulaire contient ${entries.length} erreurs`}
      </h2>
      <ul>
        {entries.map(([name, message]) => (
          <li key={name}>
            <a href={`#${fieldIds?.[name] ?? fieldId(name)}`}>{message}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

export const fieldId = (name: string): string => `champ-${name.replace(/[^a-zA-Z0-9_-]/g, '-')}`;
const idOf = (props: { name: string; idSuffix?: string }) => fieldId(props.idSuffix ? `${props.name}-${props.idSuffix}` : props.name);

interface FieldBase {
  name: string;
  /** when several forms of a page share a field name: the id becomes champ-<name>-<suffix> */
  idSuffix?: string;
  label: string;
  hint?: string;
  error?: string;
}

function Messages({ id, error }: { id: string; error?: string }) {
  return (
    <div class="fr-messages-group" id={`${id}-messages`} aria-live="polite">
      {error && <p class="fr-message fr-message--error">{error}</p>}
    </div>
  );
}

function Label({ id, label, hint }: { id: string; label: string; hint?: string }) {
  return (
    <label class="fr-label" for={id}>
      {label}
      {hint && (
        <span class="fr-hint-text">
          <Unbroken text={hint} />
        </span>
      )}
    </label>
  );
}

export function TextInput(
  props: FieldBase & {
    value?: string;
    type?: 'text' | 'email' | 'password' | 'tel' | 'number' | 'search';
    autocomplete?: string;
    inputMode?: 'numeric' | 'decimal' | 'text' | 'email' | 'tel';
    spellcheck?: boolean;
    maxLength?: number;
    width?: 'sm';
  },
) {
  const id = idOf(props);
  if (props.type === 'password') return <PasswordInput {...props} />;
  return (
    <div class={`fr-input-group${props.error ? ' fr-input-group--error' : ''}`}>
      <Label id={id} label={props.label} hint={props.hint} />
      <input
        class={`fr-input${props.error ? ' fr-input--error' : ''}`}
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        autoComplete={props.autocomplete}
        inputMode={props.inputMode}
        spellcheck={props.spellcheck}
        maxLength={props.maxLength}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={`${id}-messages`}
      />
      <Messages id={id} error={props.error} />
    </div>
  );
}

/**
 * DSFR's password field: the "Afficher" box (DSFR's script) shows the characters typed. It is
 * hidden without JavaScript, where it could do nothing (public/app.css). The value is never
 * sent back to the page.
 */
export function PasswordInput(props: FieldBase & { autocomplete?: string }) {
  const id = idOf(props);
  return (
    <div class={`fr-password fr-input-group${props.error ? ' fr-input-group--error' : ''}`} id={`${id}-groupe`}>
      <Label id={id} label={props.label} hint={props.hint} />
      <div class="fr-input-wrap">
        <input
          class={`fr-password__input fr-input${props.error ? ' fr-input--error' : ''}`}
          id={id}
          name={props.name}
          type="password"
          autoComplete={props.autocomplete}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={`${id}-messages`}
        />
      </div>
      <Messages id={id} error={props.error} />
      <div class="fr-password__checkbox fr-checkbox-group fr-checkbox-group--sm">
        <input id={`${id}-afficher`} type="checkbox" aria-label="Afficher les caractères saisis" />
        <label class="fr-password__checkbox fr-label" for={`${id}-afficher`}>
          Afficher
        </label>
      </div>
    </div>
  );
}

export function TextArea(props: FieldBase & { value?: string; rows?: number; maxLength?: number }) {
  const id = idOf(props);
  return (
    <div class={`fr-input-group${props.error ? ' fr-input-group--error' : ''}`}>
      <Label id={id} label={props.label} hint={props.hint} />
      <textarea
        class={`fr-input${props.error ? ' fr-input--error' : ''}`}
        id={id}
        name={props.name}
        rows={props.rows ?? 5}
        maxLength={props.maxLength}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={`${id}-messages`}
      >
        {props.value}
      </textarea>
      <Messages id={id} error={props.error} />
    </div>
  );
}

export interface Option {
  value: string;
  label: string;
  hint?: string;
}

export function Select(props: FieldBase & { value?: string; options: Option[]; placeholder?: string }) {
  const id = idOf(props);
  return (
    <div class={`fr-select-group${props.error ? ' fr-select-group--error' : ''}`}>
      <Label id={id} label={props.label} hint={props.hint} />
      <select
        class={`fr-select${props.error ? ' fr-select--error' : ''}`}
        id={id}
        name={props.name}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={`${id}-messages`}
      >
        <option value="" selected={!props.value} disabled hidden>
          {props.placeholder ?? 'Sélectionnez une option'}
        </option>
        {props.options.map((o) => (
          <option value={o.value} selected={o.value === props.value} key={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      <Messages id={id} error={props.error} />
    </div>
  );
}

/**
 * Radio buttons or checkboxes in a fieldset; the legend is the question. The first input carries
 * the field id the error summary links to.
 */
function ChoiceFieldset(props: FieldBase & { type: 'radio' | 'checkbox'; options: Option[]; isChecked: (value: string) => boolean; inline?: boolean }) {
  const id = idOf(props);
  return (
    <fieldset
      class={`fr-fieldset${props.error ? ' fr-fieldset--error' : ''}`}
      aria-labelledby={`${id}-legend ${id}-messages`}
      role={props.type === 'radio' ? 'radiogroup' : undefined}
    >
      <legend class="fr-fieldset__legend" id={`${id}-legend`}>
        {props.label}
        {props.hint && <span class="fr-hint-text">{props.hint}</span>}
      </legend>
      {props.options.map((o, i) => {
        const optionId = i === 0 ? id : `${id}-${i}`;
        return (
          <div class={`fr-fieldset__element${props.inline ? ' fr-fieldset__element--inline' : ''}`} key={o.value}>
            <div class={props.type === 'radio' ? 'fr-radio-group' : 'fr-checkbox-group'}>
              <input type={props.type} id={optionId} name={props.name} value={o.value} checked={props.isChecked(o.value)} />
              <label class="fr-label" for={optionId}>
                {o.label}
                {o.hint && <span class="fr-hint-text">{o.hint}</span>}
              </label>
            </div>
          </div>
        );
      })}
      <Messages id={id} error={props.error} />
    </fieldset>
  );
}

export function RadioGroup(props: FieldBase & { value?: string; options: Option[]; inline?: boolean }) {
  return <ChoiceFieldset {...props} type="radio" isChecked={(v) => v === props.value} />;
}

/** Several boxes to tick among options (e.g. licence categories). */
export function CheckboxGroup(props: FieldBase & { values: string[]; options: Option[] }) {
  return <ChoiceFieldset {...props} type="checkbox" isChecked={(v) => props.values.includes(v)} />;
}

export function Checkbox(props: FieldBase & { checked?: boolean; value?: string }) {
  const id = idOf(props);
  return (
    <div class={`fr-checkbox-group${props.error ? ' fr-checkbox-group--error' : ''}`}>
      <input
        type="checkbox"
        id={id}
        name={props.name}
        value={props.value ?? 'oui'}
        checked={props.checked}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={`${id}-messages`}
      />
      <label class="fr-label" for={id}>
        {props.label}
        {props.hint && <span class="fr-hint-text">{props.hint}</span>}
      </label>
      <Messages id={id} error={props.error} />
    </div>
  );
}

export function SubmitButton({ children, secondary }: { children: ComponentChildren; secondary?: boolean }) {
  return (
    <button type="submit" class={`fr-btn${secondary ? ' fr-btn--secondary' : ''}`}>
      {children}
    </button>
  );
}

/** The box every account creation requires (terms of use §1.1), with the link to read them. */
export function TermsCheckbox({ checked, error }: { checked?: boolean; error?: string }) {
  return (
    <>
      <Checkbox name="terms" label="J’ai lu les conditions générales d’utilisation" checked={checked} error={error} />
      <p class="fr-mt-1w">
        <a href="/cgu" target="_blank" rel="noopener" title="Conditions générales d’utilisation - nouvelle fenêtre">
          Lire les conditions générales d’utilisation
        </a>
      </p>
    </>
  );
}

/**
 * A file field (DSFR "fr-upload-group"); its form needs enctype="multipart/form-data". A file is
 * never kept across a re-render (browsers forbid it): the hint says so when the form comes back.
 */
export function FileInput(props: FieldBase & { accept?: string; kept?: string }) {
  const id = idOf(props);
  return (
    <div class={`fr-upload-group${props.error ? ' fr-upload-group--error' : ''} fr-mb-3w`}>
      <label class="fr-label" for={id}>
        {props.label}
        <span class="fr-hint-text">{props.hint ?? UPLOAD_HINT}</span>
        {props.kept && <span class="fr-hint-text">Fichier déjà joint : {props.kept}. Joignez-en un autre seulement pour le remplacer.</span>}
      </label>
      <input
        class="fr-upload"
        type="file"
        id={id}
        name={props.name}
        accept={props.accept ?? ACCEPT_ATTRIBUTE}
        aria-invalid={props.error ? 'true' : undefined}
        aria-describedby={`${id}-messages`}
      />
      <Messages id={id} error={props.error} />
    </div>
  );
}
