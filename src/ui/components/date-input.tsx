import { toFrenchDate } from '../../platform/french-date.ts';
import { TextInput } from './form.tsx';

/**
 * The one date field of the portal (issue 16): a text field JJ/MM/AAAA with its example, read on the
 * server by platform/french-date.ts. A stored ISO value is shown the French way.
 */
export function DateInput(props: { name: string; label: string; hint?: string; example?: string; value?: string; error?: string; autocomplete?: string; idSuffix?: string }) {
  const hint = `Format JJ/MM/AAAA, par exemple ${props.example ?? '03/02/1985'}${props.hint ? `. ${props.hint}` : ''}`;
  return (
    <TextInput
      name={props.name}
      idSuffix={props.idSuffix}
      label={props.label}
      hint={hint}
      value={toFrenchDate(props.value)}
      error={props.error}
      inputMode="numeric"
      autocomplete={props.autocomplete}
      maxLength={10}
      spellcheck={false}
    />
  );
}
