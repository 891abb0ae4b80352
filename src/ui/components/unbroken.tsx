/**
 * Plates and file numbers (« AB-123-CD », « V26-365SPYXL », « 1234 AB 75 ») never break across lines:
 * browsers cut after a hyphen, and « AB-123- » / « CD » on a phone reads as two things. The text stays
 * as typed (a copy gives the same characters); only the identifiers are wrapped in `.app-nowrap`.
 */
// a plate (two hyphens at most) or a file number (one), whole: a longer chain of groups (a stamp's
// number, a reference) is not one of them and may break, else it overflows a narrow summary's value
const IDENTIFIER = /((?<![-A-Z0-9])[A-Z0-9]{1,4}(?:-[A-Z0-9]{1,8}){1,2}(?![-A-Z0-9])|\d{1,4} [A-Z]{1,3} \d{2,3})/;

export function Unbroken({ text }: { text: string }) {
  const parts = text.split(IDENTIFIER);
  if (parts.length === 1) return <>{text}</>;
  return <>{parts.map((part, i) => (i % 2 === 1 ? <span key={i} class="app-nowrap">{part}</span> : part))}</>;
}
