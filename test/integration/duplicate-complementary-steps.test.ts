import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

const REPORT_PDF = readFileSync('test/fixtures/recepisse-vol.pdf');
const HOLDER = { kind: 'natural', birth_name: 'Moreau', given_names: 'Lucie', birth_date: '14/06/1985', birth_place: 'Nantes', line1: '3, place du Commerce', line2: '', postcode: '44000', commune: 'nantes' };

/**
 * Issue 16 for the duplicate and the complementary procedure: each step at its own address, a step
 * not reachable yet redirecting to the first unfinished one, "Étape précédente", "Modifier" as
 * links, drafts kept when refused or saved with "Reprendre plus tard", and a step posted after the
 * session expired given back on that step's address.
 */
describe('the steps of the duplicate and of the complementary procedure', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const previousLink = (html: string) => /<a[^>]*href="([^"]+)"[^>]*>\s*Étape précédente/.exec(html)?.[1] ?? null;

  async function duplicate(client?: TestClient) {
    const c = client ?? (await signInUser(t.app, 'demo.particulier@example.fr'));
    const page = await c.follow(await postNewProcedure(c, { kind: 'duplicate', initiator: 'self', plate: 'AB-123-CD' }));
    await c.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
    return { client: c, base: `${page.url}/duplicata` };
  }

  async function tpc() {
    const client = await signInUser(t.app, 'demo.garage@example.fr');
    const res = await client.follow(await postNewProcedure(client, { kind: 'complementary', initiator: 'self', plate: '' }));
    return { client, base: res.url };
  }

  it('duplicate: a bookmark of a later step leads to the first unfinished one; the reason refused or saved for later is kept; "Étape précédente" and "Modifier" lead to the reason', async () => {
    const { client, base } = await duplicate();
    for (const later of ['recapitulatif', 'declaration-vol', 'fin']) {
      const res = await client.get(`${base}/${later}`);
      expect(res.statusCode, later).toBe(303);
      expect(res.headers.location).toBe(`${base}/motif`);
    }
    expect((await client.get(`${base}/etape-inconnue`)).statusCode).toBe(404);
    const reason = await client.get(`${base}/motif`);
    expect(reason.body).toContain(`action="${base}/motif"`);
    expect(previousLink(reason.body), 'the first step has no previous one').toBeNull();

    // refused: shown again, and kept when the page is opened again
    const refused = await client.post(`${base}/motif`, { reason: 'damage', special: 'intemperies' });
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain('Cochez la case pour faire la déclaration sur l’honneur');
    const again = await client.get(`${base}/motif`);
    expect(again.body).toMatch(/value="damage"[^>]*checked/);
    expect(again.body).toMatch(/value="intemperies"[^>]*checked/);

    // "Reprendre plus tard": saved unchecked, the user told where the draft is, found in « Mes démarches »
    const later = await client.post(`${base}/motif`, { reason: 'loss', declaration: 'oui', intent: 'later' });
    expect(later.statusCode).toBe(303);
    expect(later.headers.location).toBe('/mes-demarches');
    const mine = await client.get('/mes-demarches?onglet=brouillons');
    expect(textOf(mine.body)).toContain('est enregistrée en brouillon, avec ce que vous avez saisi. Vous la retrouverez dans « Mes démarches »');
    expect(mine.body).toContain(`href="${base}"`);
    const resumed = await client.get(base);
    expect(resumed.body).toMatch(/value="loss"[^>]*checked/);
    expect(resumed.body).toMatch(/name="declaration"[^>]*checked|checked[^>]*name="declaration"/);

    await client.get(`${base}/motif`);
    const sent = await client.post(`${base}/motif`, { reason: 'loss', declaration: 'oui' });
    expect(sent.headers.location).toBe(`${base}/recapitulatif`);
    const summary = await client.get(`${base}/recapitulatif`);
    expect(previousLink(summary.body)).toBe(`${base}/motif`);
    expect(summary.body).toMatch(new RegExp(`<a[^>]*href="${base}/motif"[^>]*>\\s*Modifier`));
    // a loss has no police report page
    expect((await client.get(`${base}/declaration-vol`)).headers.location).toBe(`${base}/recapitulatif`);
    await client.get(`${base}/recapitulatif`);
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    // validated: every step leads to the last page
    for (const step of ['motif', 'recapitulatif']) expect((await client.get(`${base}/${step}`)).headers.location).toBe(`${base}/fin`);
    expect(textOf((await client.get(`${base}/fin`)).body)).toContain('Montant à payer');
  });

  it('duplicate: the stepper counts the steps of the chosen path (loss 3, theft 4) and names no next step before a choice', async () => {
    const stepper = (html: string) => textOf(/<div class="fr-stepper">[\s\S]*?<\/div>\s*(?:<p class="fr-stepper__details">[\s\S]*?<\/p>\s*)?<\/div>/.exec(html)?.[0] ?? '');
    const { client, base } = await duplicate();
    const first = stepper((await client.get(`${base}/motif`)).body);
    expect(first).toMatch(/Motif de la demande\s*Étape 1 sur 3/);
    expect(first, 'no next step claimed before a choice').not.toContain('Étape suivante');

    await client.post(`${base}/motif`, { reason: 'loss', declaration: 'oui' });
    expect(stepper((await client.get(`${base}/recapitulatif`)).body)).toMatch(/Récapitulatif\s*Étape 2 sur 3\s*Étape suivante : Pour terminer/);
    expect(stepper((await client.get(`${base}/motif`)).body)).toMatch(/Étape 1 sur 3\s*Étape suivante : Récapitulatif/);

    await client.post(`${base}/motif`, { reason: 'theft' });
    expect(stepper((await client.get(`${base}/motif`)).body)).toMatch(/Étape 1 sur 4\s*Étape suivante : Déclaration de vol/);
    expect(stepper((await client.get(`${base}/declaration-vol`)).body)).toMatch(/Déclaration de vol\s*Étape 2 sur 4\s*Étape suivante : Récapitulatif/);
  });

  it('duplicate after a theft: the report page goes back to the reason and keeps the message saved for later; once sent, the reason can no longer be reached', async () => {
    const { client, base } = await duplicate();
    await client.get(`${base}/motif`);
    expect((await client.post(`${base}/motif`, { reason: 'theft' })).headers.location).toBe(`${base}/declaration-vol`);
    const report = await client.get(`${base}/declaration-vol`);
    expect(previousLink(report.body)).toBe(`${base}/motif`);
    expect(report.body).toContain(`action="${base}/declaration-vol"`);
    const later = await client.postFiles(`${base}/declaration-vol`, { comment: 'Volée le 3 novembre devant chez moi.', intent: 'later' }, [{ field: 'report', filename: 'vol.pdf', bytes: REPORT_PDF, contentType: 'application/pdf' }]);
    expect(later.headers.location).toBe('/mes-demarches');
    expect(textOf((await client.get('/mes-demarches')).body)).toContain('Le fichier choisi n’est pas conservé');
    expect(await t.database.db.selectFrom('attachments').select('id').execute()).toHaveLength(0);
    // back to the reason and on again: the message is still there
    await client.get(`${base}/motif`);
    await client.post(`${base}/motif`, { reason: 'theft' });
    expect((await client.get(`${base}/declaration-vol`)).body).toContain('Volée le 3 novembre devant chez moi.');
    // an empty file input, as a browser sends it, is no file: refused next to its field, the message kept
    await client.get(`${base}/declaration-vol`);
    const empty = await client.postFiles(`${base}/declaration-vol`, { comment: 'Volée le 3 novembre devant chez moi.' }, [{ field: 'report', filename: '', bytes: Buffer.alloc(0) }]);
    expect(empty.statusCode).toBe(400);
    expect(textOf(empty.body)).toContain('Joignez le récépissé de votre déclaration de vol');
    await client.get(`${base}/declaration-vol`);
    const sent = await client.postFiles(`${base}/declaration-vol`, { comment: 'Volée le 3 novembre devant chez moi.' }, [{ field: 'report', filename: 'vol.pdf', bytes: REPORT_PDF, contentType: 'application/pdf' }]);
    expect(sent.headers.location).toBe(`${base}/declaration-vol`);
    for (const step of ['motif', 'recapitulatif', 'fin']) expect((await client.get(`${base}/${step}`)).headers.location, step).toBe(`${base}/declaration-vol`);
    const review = await client.get(`${base}/declaration-vol`);
    expect(textOf(review.body)).toContain('Demande en attente de contrôle');
    expect(previousLink(review.body), 'the reason can no longer change').toBeNull();
  });

  it('complementary procedure: each page at its own address, a bookmark redirected, "Étape précédente" on each page after the first, parts 1 and 2 kept when refused or saved for later', async () => {
    const { client, base } = await tpc();
    expect((await client.get(`${base}/recapitulatif`)).headers.location).toBe(`${base}/categorie`);
    expect((await client.get(`${base}/suivi`)).headers.location).toBe(`${base}/categorie`);
    expect(previousLink((await client.get(`${base}/categorie`)).body)).toBeNull();
    await client.get(`${base}/categorie`);
    expect((await client.post(`${base}/categorie`, { category: 'personal_change' })).headers.location).toBe(`${base}/sous-categorie`);
    expect((await client.get(`${base}/objet`)).headers.location).toBe(`${base}/sous-categorie`);
    const sub = await client.get(`${base}/sous-categorie`);
    expect(previousLink(sub.body)).toBe(`${base}/categorie`);
    expect(textOf(sub.body)).toContain('Changement d’état civil, de raison sociale ou d’état matrimonial');
    await client.get(`${base}/sous-categorie`);
    expect((await client.post(`${base}/sous-categorie`, { subcategory: 'civil_status' })).headers.location).toBe(`${base}/objet`);

    // part 1 refused (no plate): the text typed is kept when the page is opened again
    const object = 'Nom d’usage après mon mariage : je demande la mise à jour de la carte grise.';
    expect(previousLink((await client.get(`${base}/objet`)).body)).toBe(`${base}/sous-categorie`);
    expect((await client.post(`${base}/objet`, { object })).statusCode).toBe(400);
    expect((await client.get(`${base}/objet`)).body).toContain(object);
    await client.get(`${base}/objet`);
    expect((await client.post(`${base}/objet`, { object, plate: 'AB-123-CD' })).headers.location).toBe(`${base}/titulaire`);

    // part 2 saved for later, half typed: found again in « Mes démarches », the values back on the page
    await client.get(`${base}/titulaire`);
    const later = await client.post(`${base}/titulaire`, { kind: 'natural', birth_name: 'Moreau', given_names: 'Lucie', intent: 'later' });
    expect(later.headers.location).toBe('/mes-demarches');
    expect(textOf((await client.get('/mes-demarches')).body)).toContain('est enregistrée en brouillon');
    const resumed = await client.get(base);
    expect(textOf(resumed.body)).toContain('Partie 2 : identité du titulaire');
    expect(resumed.body).toContain('value="Moreau"');
    expect(previousLink(resumed.body)).toBe(`${base}/objet`);
    expect((await client.post(`${base}/titulaire`, HOLDER)).headers.location).toBe(`${base}/pieces`);

    // part 3: "Poursuivre vers le récapitulatif" is refused while a piece is missing
    expect((await client.get(`${base}/recapitulatif`)).headers.location).toBe(`${base}/pieces`);
    const pieces = await client.get(`${base}/pieces`);
    expect(previousLink(pieces.body)).toBe(`${base}/titulaire`);
    const missing = await client.postFiles(`${base}/pieces`, { intent: 'continue' }, [{ field: 'piece_civil_status_change', filename: '', bytes: Buffer.alloc(0) }]);
    expect(missing.statusCode).toBe(400);
    expect(textOf(missing.body)).toContain('Joignez : pièce justificative du changement d’état');
    // the file chosen goes with "Poursuivre": joined, then the summary
    await client.get(`${base}/pieces`);
    const on = await client.postFiles(`${base}/pieces`, { intent: 'continue' }, [{ field: 'piece_civil_status_change', filename: 'acte.pdf', bytes: REPORT_PDF, contentType: 'application/pdf' }]);
    expect(on.headers.location).toBe(`${base}/recapitulatif`);
    const summary = await client.get(`${base}/recapitulatif`);
    expect(previousLink(summary.body)).toBe(`${base}/pieces`);
    for (const [slug, marker] of [['categorie', /name="category"/], ['objet', /name="object"/], ['titulaire', /name="birth_name"/], ['pieces', /name="piece_civil_status_change"/]] as const) {
      expect(summary.body).toMatch(new RegExp(`<a[^>]*href="${base}/${slug}"[^>]*>\\s*Modifier`));
      expect((await client.get(`${base}/${slug}`)).body).toMatch(marker);
    }
    // part 1 changed from the summary: back to the summary
    await client.get(`${base}/objet`);
    expect((await client.post(`${base}/objet`, { object: `${object} Merci.`, plate: 'AB-123-CD' })).headers.location).toBe(`${base}/recapitulatif`);
    // another sub-category: its pieces are asked again before the summary
    await client.get(`${base}/sous-categorie`);
    await client.post(`${base}/sous-categorie`, { subcategory: 'co_holder' });
    expect((await client.get(`${base}/recapitulatif`)).headers.location).toBe(`${base}/pieces`);
    await client.get(`${base}/sous-categorie`);
    await client.post(`${base}/sous-categorie`, { subcategory: 'civil_status' });
    await client.get(`${base}/pieces`);
    await client.post(`${base}/poursuivre`, {});
    await client.get(`${base}/recapitulatif`);
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    // validated with taxes: only the payment page
    for (const slug of ['categorie', 'objet', 'recapitulatif', 'suivi']) expect((await client.get(`${base}/${slug}`)).headers.location, slug).toBe(`${base}/paiement`);
    expect(textOf((await client.get(`${base}/paiement`)).body)).toMatch(/Montant à payer : 13,76\s€/);
  });

  it('a step posted after the session expired is kept and given back on that step’s own address', async () => {
    const client = new TestClient(t.app);
    await client.get('/connexion');
    await client.post('/connexion', { email: 'demo.garage@example.fr', password: DEMO_PASSWORD });
    const base = (await client.follow(await postNewProcedure(client, { kind: 'complementary', initiator: 'self', plate: '' }))).url;
    await client.get(`${base}/categorie`);
    await client.post(`${base}/categorie`, { category: 'question' });
    await client.get(`${base}/sous-categorie`);
    await client.post(`${base}/sous-categorie`, { subcategory: 'free' });
    const path = `${base}/objet`;
    await client.get(path);
    const token = client.csrfToken();
    const account = await t.database.db.selectFrom('accounts').select('id').where('email', '=', 'demo.garage@example.fr').executeTakeFirstOrThrow();
    await t.database.db.updateTable('sessions').set({ last_seen_at: sql<Date>`now() - interval '31 minutes'` }).where('user_id', '=', account.id).execute();
    const refused = await client.post(path, { object: 'Une longue question tapée pendant une demi-heure.' }, { csrf: token });
    expect(refused.statusCode).toBe(403);
    await client.get(`/connexion?retour=${encodeURIComponent(path)}`);
    const back = await client.follow(await client.post('/connexion', { email: 'demo.garage@example.fr', password: DEMO_PASSWORD, retour: path }));
    expect(back.url).toBe(path);
    expect(textOf(back.body)).toContain('Nous avons retrouvé ce que vous aviez saisi');
    expect(back.body).toContain('Une longue question tapée pendant une demi-heure.');
  });
});
