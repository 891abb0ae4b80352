import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The terms of use (CGU), versioned. A version's text never changes once published: a new text is
 * a new file and a new entry here. Account creation (accounts domain) records the version accepted
 * and its SHA-256, so the exact text a user accepted can always be shown again.
 */
export interface TermsVersion {
  version: string;
  effectiveFrom: string; // ISO date, Europe/Paris
  file: string;
  /** version 1 reproduced the agency's English translation (marked lang="en"); the French text governs (art. 1.18) */
  lang: 'fr' | 'en';
  /** what changed from the previous version, shown in the version history */
  summary: string;
}

export const TERMS_VERSIONS: readonly TermsVersion[] = Object.freeze([
  {
    version: '1',
    effectiveFrom: '2026-11-25',
    file: 'v1.txt',
    lang: 'en',
    summary: 'Traduction anglaise publiée par l’agence, reproduite sans modification.',
  },
  {
    version: '2',
    effectiveFrom: '2026-12-01',
    file: 'v2.txt',
    lang: 'fr',
    summary: 'Texte français, qui fait foi (article 1.18) ; même contenu que la version 1.',
  },
]);

export interface TermsBlock {
  kind: 'heading' | 'paragraph' | 'item';
  level?: 2 | 3 | 4;
  number?: string;
  text: string;
}

export interface Terms extends TermsVersion {
  title: string;
  blocks: TermsBlock[];
  sha256: string;
}

const TERMS_DIR = new URL('../../../content/terms-of-use/', import.meta.url);
const HEADING = /^(\d+(?:\.\d+){0,2})[\s\u00a0]+(.+)$/;
const ITEM = /^(?:[-•]|[ivx]+\.)[\s\u00a0]+(.+)$/;
const cache = new Map<string, Terms>();

/** Parses the plain-text CGU: "1.5  Title" and "1.9.1  Title" lines are headings, "- x" and "• x" lines list items. */
export function parseTerms(text: string): { title: string; blocks: TermsBlock[] } {
  const lines = text.split('\n').map((l) => l.replace(/\u00a0/g, ' ').trim());
  const title = lines.find((l) => l.length > 0) ?? '';
  const blocks: TermsBlock[] = [];
  for (const line of lines.slice(lines.indexOf(title) + 1)) {
    if (!line) continue;
    const heading = HEADING.exec(line);
    if (heading && line.length < 120) {
      const number = heading[1]!;
      blocks.push({ kind: 'heading', level: (number.split('.').length + 1) as 2 | 3 | 4, number, text: heading[2]!.replace(/\s+/g, ' ') });
      continue;
    }
    const item = ITEM.exec(line);
    if (item) blocks.push({ kind: 'item', text: item[1]!.replace(/\s+/g, ' ') });
    else blocks.push({ kind: 'paragraph', text: line.replace(/\s+/g, ' ') });
  }
  return { title, blocks };
}

export function getTerms(version: string): Terms | null {
  const cached = cache.get(version);
  if (cached) return cached;
  const meta = TERMS_VERSIONS.find((v) => v.version === version);
  if (!meta) return null;
  const text = readFileSync(fileURLToPath(new URL(meta.file, TERMS_DIR)), 'utf8');
  const terms: Terms = { ...meta, ...parseTerms(text), sha256: createHash('sha256').update(text).digest('hex') };
  cache.set(version, terms);
  return terms;
}

/** The version in force at `at`: the latest whose effective date has come. */
export function currentTerms(at: Date = new Date()): Terms {
  const day = at.toISOString().slice(0, 10);
  const inForce = TERMS_VERSIONS.filter((v) => v.effectiveFrom <= day).at(-1) ?? TERMS_VERSIONS[0]!;
  return getTerms(inForce.version)!;
}
