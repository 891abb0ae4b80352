import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The embedded reference of French communes (@etalab/decoupage-administratif, INSEE data): postcode
 * → official commune names. Loaded on first use (about 37,000 communes). A production adapter for
 * the national address base (BAN) can replace it behind `checkAddress`. The file (8.6 MB of JSON, ~16 MB
 * once parsed) is read and parsed here rather than `require`d: the module cache would keep the whole
 * array for the life of the process, where only this index is needed.
 */
interface Commune {
  nom: string;
  type: string;
  codesPostaux?: string[];
}
let byPostcode: Map<string, string[]> | null = null;

const communesFile = () => createRequire(import.meta.url).resolve('@etalab/decoupage-administratif/data/communes.json');

function index(): Map<string, string[]> {
  if (byPostcode) return byPostcode;
  // not prepared yet (prepareCommunes): built here, in one turn of the event loop
  const communes = JSON.parse(readFileSync(communesFile(), 'utf8')) as Commune[];
  byPostcode = new Map();
  for (const c of communes) {
    if (c.type !== 'commune-actuelle') continue;
    for (const pc of c.codesPostaux ?? []) byPostcode.set(pc, [...(byPostcode.get(pc) ?? []), c.nom]);
  }
  return byPostcode;
}

/**
 * Parses the INSEE file in a worker thread and sends back only the index, as lines of tab-separated
 * fields (postcode, then its communes' names): the ~0.2–2 s of JSON.parse never hold the event loop.
 */
const INDEX_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const communes = JSON.parse(require('node:fs').readFileSync(workerData, 'utf8'));
const byPostcode = new Map();
for (const c of communes) {
  if (c.type !== 'commune-actuelle') continue;
  for (const pc of c.codesPostaux || []) { const names = byPostcode.get(pc); if (names) names.push(c.nom); else byPostcode.set(pc, [c.nom]); }
}
parentPort.postMessage([...byPostcode].map(([pc, names]) => pc + '\\t' + names.join('\\t')).join('\\n'));
`;

/** Lines of the index put in the map per turn of the event loop. */
const LINES_PER_TURN = 500;
let preparing: Promise<void> | null = null;

/**
 * Builds the postcode index without a long turn of the event loop: parsed in a worker, put in the
 * map a few hundred postcodes per turn. Called once the server listens and by the demo queue's job
 * before its first address; a check asked before it is done builds the index itself (index()).
 */
export function prepareCommunes(): Promise<void> {
  if (byPostcode) return Promise.resolve();
  return (preparing ??= (async () => {
    const { Worker } = await import('node:worker_threads');
    const text = await new Promise<string>((resolve, reject) => {
      const worker = new Worker(INDEX_WORKER, { eval: true, workerData: communesFile() });
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`communes: worker ended (${code})`)));
    });
    const lines = text.split('\n');
    const built = new Map<string, string[]>();
    for (let from = 0; from < lines.length; from += LINES_PER_TURN) {
      if (byPostcode) return; // built meanwhile by a check that could not wait
      for (const line of lines.slice(from, from + LINES_PER_TURN)) {
        const [pc, ...names] = line.split('\t');
        built.set(pc!, names);
      }
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    byPostcode ??= built;
  })().finally(() => (preparing = null)));
}

export const communesForPostcode = (postcode: string): string[] => index().get(postcode) ?? [];

/** Upper case, no accents, no punctuation, single spaces, 38 characters at most (NF Z10-011). */
export function postalLine(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[.,;:"!?()]/g, ' ')
    .replace(/['’-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface PostalAddress {
  line1: string;
  line2: string | null;
  postcode: string;
  commune: string;
}

/** Checks an address against the reference and proposes its normalised form, or names each problem. */
/**
 * A French postcode and the commune typed with it, against the reference: the commune's official
 * name (the only one of its postcode when none is typed), or a French message per field.
 */
export function checkCommune(postcode: string, typedCommune: string): { ok: true; commune: string } | { ok: false; errors: { postcode?: string; commune?: string } } {
  const errors: { postcode?: string; commune?: string } = {};
  const candidates = /^\d{5}$/.test(postcode) ? communesForPostcode(postcode) : [];
  if (!/^\d{5}$/.test(postcode)) errors.postcode = 'Le code postal comporte 5 chiffres';
  else if (!candidates.length) errors.postcode = 'Ce code postal n’existe pas : vérifiez-le';
  const typed = postalLine(typedCommune);
  const commune = candidates.find((c) => postalLine(c) === typed) ?? (candidates.length === 1 && !typed ? candidates[0] : undefined);
  if (!typed && candidates.length !== 1) errors.commune = 'Saisissez la commune';
  else if (candidates.length && !commune) errors.commune = `Cette commune ne correspond pas au code postal ${postcode} : ${candidates.slice(0, 6).join(', ')}${candidates.length > 6 ? '…' : ''}`;
  if (errors.postcode || errors.commune) return { ok: false, errors };
  return { ok: true, commune: commune! };
}

export function checkAddress(input: { line1?: string; line2?: string; postcode?: string; commune?: string }):
  | { ok: true; proposed: PostalAddress; corrected: boolean }
  | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const line1 = postalLine(input.line1 ?? '');
  const line2 = postalLine(input.line2 ?? '');
  const postcode = (input.postcode ?? '').trim();
  if (!line1) errors.line1 = 'Saisissez le numéro et le nom de la voie';
  else if (line1.length > 38) errors.line1 = 'La ligne d’adresse dépasse 38 caractères : mettez le complément sur la ligne suivante';
  if (line2.length > 38) errors.line2 = 'Le complément d’adresse dépasse 38 caractères';
  const place = checkCommune(postcode, input.commune ?? '');
  if (!place.ok) Object.assign(errors, place.errors);
  if (!place.ok || Object.keys(errors).length) return { ok: false, errors };
  const proposed = { line1, line2: line2 || null, postcode, commune: postalLine(place.commune) };
  const corrected = proposed.line1 !== (input.line1 ?? '').trim() || (proposed.line2 ?? '') !== (input.line2 ?? '').trim() || proposed.commune !== (input.commune ?? '').trim();
  return { ok: true, proposed, corrected };
}

/** The département of a postcode: 2 digits, 3 overseas (97x), 2A/2B in Corsica. */
export const departmentOfPostcode = (postcode: string): string =>
  postcode.startsWith('97') ? postcode.slice(0, 3) : postcode.startsWith('20') ? (Number(postcode) < 20200 ? '2A' : '2B') : postcode.slice(0, 2);
