/**
 * An address block to the French postal norm (NF Z10-011): at most 6 lines of at most 38
 * characters, upper case, no accents or punctuation on the last line ("75011 PARIS").
 */
export function addressBlock(lines: (string | null | undefined)[], postcode: string, commune: string, country = 'FRANCE'): string[] {
  const clean = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toUpperCase()
      .replace(/[.,;:]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 38);
  const body = lines.filter((l): l is string => !!l && l.trim().length > 0).map(clean);
  const last = clean(`${postcode} ${commune}`);
  const block = [...body.slice(0, country === 'FRANCE' ? 5 : 4), last];
  if (country !== 'FRANCE') block.push(clean(country));
  return block;
}
