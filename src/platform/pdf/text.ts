/**
 * `Intl` separates thousands (and the euro sign) with a narrow no-break space (U+202F), and some
 * sources carry thin or figure spaces: glyphs the document fonts do not have, which printed as
 * "45 /210 km". They become the no-break space (U+00A0) every font has: the number still never
 * breaks across lines.
 */
export const printable = (text: string): string => text.replace(/[\u202F\u2007\u2009]/g, '\u00A0');
