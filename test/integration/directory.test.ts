import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { communesForPostcode, distanceKm } from '../../src/domains/directory/communes-geo.ts';
import { locate } from '../../src/domains/directory/service.ts';
import { createDirectoryService } from '../../src/domains/directory/service.ts';
import { loadMapConfig } from '../../src/domains/directory/map-config.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';

const sample = (name: string) => readFileSync(new URL(`../../src/domains/directory/samples/${name}.csv`, import.meta.url), 'utf8');
/** "à 1,2 km" → 1.2, in page order, for one list */
function distances(html: string, slug: string): number[] {
  const list = new RegExp(`<ol class="app-place-list" id="liste-${slug}">([\\s\\S]*?)</ol>`).exec(html)?.[1] ?? '';
  return [...list.matchAll(/à ([\d,]+) (k?m)</g)].map((m) => Number(m[1]!.replace(',', '.')) / (m[2] === 'm' ? 1000 : 1));
}

describe('directory of places', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  it('demo data covers the 101 départements in each of the three lists, every name marked (démo)', async () => {
    const rows = await t.database.db.selectFrom('directory_places').select(['kind', 'department', 'name']).execute();
    for (const kind of ['automotive_professional', 'photographer', 'town_hall'])
      expect(new Set(rows.filter((r) => r.kind === kind).map((r) => r.department)).size, kind).toBe(101);
    expect(rows.every((r) => r.name.includes('(démo)'))).toBe(true);
  });

  it('lists the three kinds of places nearest a postcode first, with their distance, address, hours and phone', async () => {
    const client = new TestClient(t.app);
    const res = await client.get('/lieux?q=69003');
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toContain('Les plus proches de Lyon 3e Arrondissement (69003)');
    expect(text).toContain('Professionnels de l’automobile habilités');
    expect(text).toContain('Photographes et cabines agréés');
    expect(text).toContain('Mairies équipées d’un dispositif de recueil');
    expect(text).toMatch(/Garage Central de Lyon \(démo\) à [\d,]+ km — \d+ [^,]+, 69001 Lyon 1er Arrondissement/);
    expect(text).toContain('Habilitation SIV n° HAB-69-D001');
    expect(text).toContain('Mairie de Lyon (démo)');
    expect(text).toContain('Téléphone : 01 99 00');
    expect(text).toContain('Horaires : Sur rendez-vous');
    for (const slug of ['professionnels', 'photographes', 'mairies']) {
      const d = distances(res.body, slug);
      expect(d.length, slug).toBe(10);
      expect(d).toEqual([...d].sort((a, b) => a - b));
      expect(d[0]!, slug).toBeLessThan(5); // the Lyon place comes first
    }
    // the map's data for the script, and the self-hosted Leaflet
    expect(res.body).toContain('id="carte"');
    expect(res.body).toMatch(/data-places="\[\{&quot;kind&quot;:&quot;professionnels&quot;/);
    const leaflet = /src="(\/assets\/leaflet\/[\d.]+\/leaflet\.js)"/.exec(res.body)![1]!;
    expect((await client.get(leaflet)).statusCode).toBe(200);
    const script = /src="(\/assets\/annuaire\/directory-map\.[0-9a-f]+\.js)"/.exec(res.body)![1]!;
    expect((await client.get(script)).body).toContain('L.tileLayer');
    // the strict CSP, with the tile server allowed for images only
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("img-src 'self' data: https://tile.openstreetmap.org");
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.body).toContain('data-attribution="© les contributeurs d’OpenStreetMap"');
  });

  it('finds a commune by name, and asks which one when several share it', async () => {
    const client = new TestClient(t.app);
    expect(textOf((await client.get('/lieux?q=charleville-mezieres')).body)).toContain('Les plus proches de Charleville-Mézières (08000)');
    const namesakes = textOf((await client.get('/lieux?q=Saint-Denis')).body);
    expect(namesakes).toContain('Plusieurs communes portent ce nom');
    expect(namesakes).toContain('Saint-Denis (97400, département 974)');
    const link = /href="(\/lieux\?q=Saint-Denis&amp;commune=97411[^"]*)"/.exec(client.lastHtml)![1]!.replace(/&amp;/g, '&');
    const reunion = textOf((await client.get(link)).body);
    expect(reunion).toContain('Les plus proches de Saint-Denis (97400)');
    expect(reunion).toContain('Mairie de Saint-Denis (démo)');
    // nothing beyond 1,000 km: only the island's own places
    expect(distances(client.lastHtml, 'mairies')).toHaveLength(1);
    expect(distances(client.lastHtml, 'mairies')[0]!).toBeLessThan(5);
  });

  it('refuses an unknown postcode with a French message on the field, keeping what was typed', async () => {
    const client = new TestClient(t.app);
    const res = await client.get('/lieux?q=99999');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Erreur : ');
    expect(res.body).toMatch(/<a href="#champ-q">Le code postal 99999 n’existe pas : vérifiez-le/);
    expect(res.body).toMatch(/fr-input-group--error[\s\S]*value="99999"[\s\S]*<p class="fr-message fr-message--error">Le code postal 99999 n’existe pas/);
    expect(textOf((await client.get('/lieux?q=6900')).body)).toContain('Un code postal comporte 5 chiffres, par exemple 69003');
    expect(textOf((await client.get('/lieux?q=Zzyzxville')).body)).toContain('Aucune commune ne s’appelle « Zzyzxville »');
    expect(textOf((await client.get('/lieux?q=')).body)).toContain('Saisissez une commune ou un code postal');
  });

  it('filters one list', async () => {
    const text = textOf((await new TestClient(t.app).get('/lieux?q=08000&type=photographes')).body);
    const res = await new TestClient(t.app).get('/lieux?q=08000&type=photographes');
    expect(res.body).toContain('id="titre-photographes"');
    expect(res.body).not.toContain('id="titre-professionnels"');
    expect(res.body).not.toContain('id="titre-mairies"');
    expect(text).toMatch(/Les plus proches de 08000 \([^)]*Charleville-Mézières/);
    expect(text).toMatch(/Studio Photo Objectif Charleville-Mézières \(démo\) à [\d,]+ km/);
    expect(text).not.toContain('Mairie de Charleville-Mézières (démo)');
  });

  it('lists a professional only while the SIV habilitation is validated', async () => {
    const client = new TestClient(t.app);
    expect(textOf((await client.get('/lieux?q=69003')).body)).toContain('Garage Central de Lyon (démo)');
    await t.database.db.updateTable('siv_habilitations').set({ status: 'suspended' }).where('habilitation_number', '=', 'HAB-69-D001').execute();
    expect(textOf((await client.get('/lieux?q=69003')).body)).not.toContain('Garage Central de Lyon (démo)');
  });

  it('searches around a posted position, which is kept nowhere, and needs the CSRF token', async () => {
    const client = new TestClient(t.app);
    await client.get('/lieux');
    expect(client.lastHtml).toContain('id="autour-de-moi-bloc" class="app-near-me" hidden');
    const before = await t.database.db.selectFrom('audit_events').select('id').execute();
    const res = await client.post('/lieux/autour-de-moi', { latitude: '49.7700', longitude: '4.7200', type: '' });
    const text = textOf(res.body);
    expect(text).toContain('Les plus proches de votre position');
    expect(text).toContain('le portail ne l’a pas conservée');
    expect(text).toMatch(/Mairie de Charleville-Mézières \(démo\) à [\d,]+ (m|km)/);
    expect(await t.database.db.selectFrom('audit_events').select('id').execute()).toHaveLength(before.length);
    expect(textOf((await client.post('/lieux/autour-de-moi', { latitude: 'abc', longitude: '4' })).body)).toContain('Votre position n’a pas pu être lue');
    expect((await client.post('/lieux/autour-de-moi', { latitude: '49.77', longitude: '4.72' }, { csrf: null })).statusCode).toBe(403);
  });

  it('places a commune missing from the gazetteer near its postcode neighbours, and says distances are approximate', async () => {
    expect(locate('69003')).toMatchObject({ ok: true, origin: { precision: 'commune' } });
    expect(locate('00000')).toEqual({ ok: false, error: expect.stringContaining('Le code postal 00000 n’existe pas') });
    const charleville = communesForPostcode('08000').find((c) => c.name === 'Charleville-Mézières')!;
    const neighbour = communesForPostcode('08000').find((c) => c.precision === 'postcode')!;
    expect(charleville.precision).toBe('commune');
    expect(distanceKm(charleville, neighbour)).toBeLessThan(15);
    const text = textOf((await new TestClient(t.app).get(`/lieux?q=${encodeURIComponent(neighbour.name)}&commune=${neighbour.code}`)).body);
    expect(text).toContain(`Les plus proches de ${neighbour.name} (08000)`);
    expect(text).toContain('position approximative');
  });

  it('imports each list from its CSV sample, and updates a place by its identifier', async () => {
    const directory = createDirectoryService({ db: t.database.db });
    expect(await directory.importCsv('automotive_professional', sample('professionnels'))).toEqual({ imported: 2, errors: [] });
    expect(await directory.importCsv('photographer', sample('photographes'))).toEqual({ imported: 2, errors: [] });
    expect(await directory.importCsv('town_hall', sample('mairies'))).toEqual({ imported: 2, errors: [] });
    const booth = await t.database.db.selectFrom('directory_places').selectAll().where('external_id', '=', 'PH-0002').executeTakeFirstOrThrow();
    expect(booth).toMatchObject({ kind: 'photographer', booth: true, commune: 'Lyon 3e Arrondissement', commune_code: '69383', department: '69', phone: null });
    const again = sample('mairies').replace('Mairie de Charleville-Mézières (exemple)', 'Hôtel de ville de Charleville-Mézières (exemple)');
    expect(await directory.importCsv('town_hall', again)).toEqual({ imported: 2, errors: [] });
    const halls = await t.database.db.selectFrom('directory_places').select('name').where('external_id', '=', 'MA-08105').execute();
    expect(halls).toEqual([{ name: 'Hôtel de ville de Charleville-Mézières (exemple)' }]);
    const audit = await t.database.db.selectFrom('audit_events').select(['action', 'details']).where('action', '=', 'directory.imported').execute();
    expect(audit).toHaveLength(4);
  });

  it('refuses a CSV with bad rows, naming each line, and imports nothing', async () => {
    const directory = createDirectoryService({ db: t.database.db });
    const count = async () => (await t.database.db.selectFrom('directory_places').select('id').execute()).length;
    const before = await count();
    const csv = [
      'identifiant;nom;adresse;code_postal;commune;telephone;horaires;latitude;longitude;nombre_dispositifs',
      'OK-1;Mairie bonne (exemple);1 place X;08000;Charleville-Mézières;;;;;2',
      'BAD-2;Mairie (exemple);1 place X;99999;Nulle part;;;;;1',
      'BAD-3;Mairie (exemple);1 place X;69003;Marseille;12;;;;0',
      'BAD-4;Mairie (exemple);1 place X;08000;Charleville-Mézières;;;4.72;49.77;1',
      'OK-1;Doublon (exemple);1 place X;08000;Charleville-Mézières;;;;;1',
    ].join('\n');
    const { imported, errors } = await directory.importCsv('town_hall', csv);
    expect(imported).toBe(0);
    expect(errors).toEqual([
      'Ligne 3 : le code postal 99999 n’existe pas',
      'Ligne 4 : la commune « Marseille » ne correspond pas au code postal 69003 (Lyon 3e Arrondissement) ; téléphone « 12 » invalide (10 chiffres, par exemple 01 23 45 67 89) ; nombre de dispositifs de recueil invalide (entier de 1 à 50)',
      'Ligne 5 : la position (4.72, 49.77) est à plus de 60 km de Charleville-Mézières : latitude et longitude inversées ?',
      'Ligne 6 : identifiant OK-1 en double dans le fichier',
    ]);
    expect(await count()).toBe(before);
    const missing = await directory.importCsv('photographer', 'identifiant;nom\nX;Y');
    expect(missing.errors).toEqual(['Ligne 1 : colonnes manquantes : adresse, code_postal, commune, type']);
    const pro = await directory.importCsv('automotive_professional', sample('professionnels').replace('HAB-69-D001', 'HAB-69-ZZZZ'));
    expect(pro).toEqual({ imported: 0, errors: ['Ligne 3 : aucune habilitation SIV ne porte le numéro HAB-69-ZZZZ'] });
  });

  it('validates the tile server settings', () => {
    expect(loadMapConfig({})).toMatchObject({ tilesOrigin: 'https://tile.openstreetmap.org' });
    expect(loadMapConfig({ MAP_TILES_URL: 'https://{s}.tiles.example.fr/{z}/{x}/{y}.png', MAP_TILES_ATTRIBUTION: '© Exemple' })).toEqual({
      tilesUrl: 'https://{s}.tiles.example.fr/{z}/{x}/{y}.png',
      attribution: '© Exemple',
      tilesOrigin: 'https://*.tiles.example.fr',
    });
    expect(() => loadMapConfig({ MAP_TILES_URL: 'https://tiles.example.fr/{z}/{x}/{y}.png' })).toThrow('MAP_TILES_ATTRIBUTION');
    expect(() => loadMapConfig({ MAP_TILES_URL: 'ftp://x/{z}' })).toThrow('MAP_TILES_URL');
  });
});
