import { describe, expect, it } from 'vitest';
import { DEMO_PHOTO_CODES, hashPhotoCode } from '../../src/domains/licences/photo-service.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { pdfText } from '../helpers/pdf.ts';
import { signInUser } from '../helpers/users.ts';
import { IDENTITY, PDF, PNG, postMultipart, startRequest } from './licence-helpers.ts';

describe('driving-licence requests: reasons, form and bad input', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const base = (file: string) => `/permis/demandes/${file}`;
  const step = (file: string, slug: string) => `${base(file)}/etape/${slug}`;
  const camille = () => signInUser(t.app, 'demo.particulier@example.fr');
  const accountId = async (email: string) => (await t.database.db.selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const buyStamp = async (amountCents: number) => {
    const id = await accountId('demo.particulier@example.fr');
    return t.database.db.transaction().execute((trx) => t.app.stamps.buy(trx, { amountCents, accountId: id }));
  };

  /** A request validated by the administration some weeks ago (the title it issued may be corrected). */
  async function validatedRequest(email: string, fileNumber: string): Promise<string> {
    await t.database.db
      .insertInto('licence_requests')
      .values({ file_number: fileNumber, account_id: await accountId(email), reason: 'title_exam', for_other: false, status: 'validated', data: JSON.stringify({}), step: 'summary', idempotency_key: `validated-${fileNumber}`, submitted_at: new Date(Date.now() - 40 * 86_400_000), decided_at: new Date(Date.now() - 35 * 86_400_000) })
      .execute();
    return fileNumber;
  }

  /** Fills steps 2 to 5 of a request with valid answers. */
  async function fill(client: TestClient, file: string, details: Record<string, string | string[]>, contact: Record<string, string>, pieces: Record<string, { filename: string; bytes: Buffer }> = { identity: { filename: 'cni.png', bytes: PNG }, address: { filename: 'facture.pdf', bytes: PDF } }) {
    await client.get(step(file, 'precisions'));
    const d = await client.post(step(file, 'precisions'), details);
    expect(d.statusCode, textOf(d.body).slice(0, 300)).toBe(303);
    await client.get(step(file, 'etat-civil'));
    expect((await client.post(step(file, 'etat-civil'), IDENTITY)).statusCode).toBe(303);
    await client.get(step(file, 'coordonnees'));
    const c = await client.post(step(file, 'coordonnees'), { email: 'camille@example.fr', mobile: '0612345678', ...contact });
    expect(c.statusCode, textOf(c.body).slice(0, 300)).toBe(303);
    await client.get(step(file, 'pieces'));
    const p = await postMultipart(t.app, client, step(file, 'pieces'), { action: 'continue' }, pieces);
    expect(p.statusCode, textOf(p.body).slice(0, 300)).toBe(303);
    await client.get(step(file, 'envoi'));
  }

  it('a draft is saved at each step and resumed where it stopped; the reason cannot be changed, only the draft deleted', async () => {
    const client = await camille();
    const file = await startRequest(client, 'title_exam');
    await client.get(step(file, 'precisions'));
    await client.post(step(file, 'precisions'), { categories: ['A2', 'B'], neph: '' });
    const space = textOf((await client.get('/permis')).body);
    expect(space).toContain('Les demandes sont supprimées 6 mois après leur création, quel que soit leur statut');
    expect(space).toContain(`${file} Titre après réussite à l’examen Brouillon`);
    expect(client.lastHtml).toContain(`href="${step(file, 'etat-civil')}"`);
    const resumed = await client.get(step(file, 'precisions'));
    expect(resumed.body).toMatch(/value="A2" checked/);
    expect(resumed.body).not.toContain('name="reason"');
    expect(textOf(resumed.body)).toContain('motif : Titre après réussite à l’examen');
    // a later step is not reachable before the earlier ones
    expect((await client.get(step(file, 'envoi'))).headers.location).toBe(step(file, 'etat-civil'));
    await client.get(base(file));
    expect(textOf(client.lastHtml)).toContain('Supprimer le brouillon');
    await client.post(`${base(file)}/supprimer`, {});
    expect(textOf((await client.get('/permis')).body)).toContain(`Le brouillon ${file} est supprimé.`);
    expect((await client.get(base(file))).statusCode).toBe(404);
  });

  it('a double click on "Commencer la demande" creates one draft', async () => {
    const client = await camille();
    await client.get('/permis/demandes/nouvelle');
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    const token = client.csrfToken();
    const [a, b] = await Promise.all([
      client.post('/permis/demandes/nouvelle', { idempotency_key: key, reason: 'renewal', for_whom: 'self' }, { csrf: token }),
      client.post('/permis/demandes/nouvelle', { idempotency_key: key, reason: 'renewal', for_whom: 'self' }, { csrf: token }),
    ]);
    expect(a.headers.location).toBe(b.headers.location);
    expect(await t.database.db.selectFrom('licence_requests').select('id').where('reason', '=', 'renewal').execute()).toHaveLength(1);
  });

  it('a double click on "Valider la demande" sends it once and uses the timbre once', async () => {
    const client = await camille();
    const file = await startRequest(client, 'damage');
    await fill(client, file, { licence_number: '13AB12345' }, { photo_mode: 'classic' });
    const stamp = await buyStamp(2500);
    const token = client.csrfToken();
    const [a, b] = await Promise.all([
      client.post(step(file, 'envoi'), { stamp_number: stamp.number, clu: 'oui' }, { csrf: token }),
      client.post(step(file, 'envoi'), { stamp_number: stamp.number, clu: 'oui' }, { csrf: token }),
    ]);
    expect([a.headers.location, b.headers.location]).toEqual([base(file), base(file)]);
    expect(await t.database.db.selectFrom('audit_events').select('id').where('action', '=', 'licence.submit').execute()).toHaveLength(1);
    expect(await t.database.db.selectFrom('fiscal_stamps').select(['status', 'usage']).execute()).toEqual([{ status: 'used', usage: `Permis de conduire ${file}` }]);
  });

  it('the same files sent twice (double click) are joined once', async () => {
    const client = await camille();
    const file = await startRequest(client, 'registration');
    await client.get(step(file, 'precisions'));
    await client.post(step(file, 'precisions'), { categories: 'B' });
    await client.get(step(file, 'etat-civil'));
    await client.post(step(file, 'etat-civil'), IDENTITY);
    await client.get(step(file, 'coordonnees'));
    await client.post(step(file, 'coordonnees'), { email: 'camille@example.fr', photo_mode: 'classic' });
    await client.get(step(file, 'pieces'));
    await postMultipart(t.app, client, step(file, 'pieces'), { action: 'add' }, { identity: { filename: 'cni.png', bytes: PNG } });
    await client.get(step(file, 'pieces'));
    await postMultipart(t.app, client, step(file, 'pieces'), { action: 'add' }, { identity: { filename: 'cni.png', bytes: PNG } });
    expect(await t.database.db.selectFrom('attachments').select('filename').execute()).toEqual([{ filename: 'cni.png' }]);
  });

  it('another user’s request answers 404, its documents too', async () => {
    const client = await camille();
    const file = await startRequest(client, 'registration');
    const other = await signInUser(t.app, 'demo.entreprise@example.fr');
    expect((await other.get(base(file))).statusCode).toBe(404);
    expect((await other.get(step(file, 'precisions'))).statusCode).toBe(404);
    expect((await other.get(`${base(file)}/documents/recepisse.pdf`)).statusCode).toBe(404);
    await other.get('/permis');
    expect((await other.post(`${base(file)}/supprimer`, {})).statusCode).toBe(404);
  });

  it('refuses a birth date that makes a category impossible, on the field, keeping every value typed', async () => {
    const client = await camille();
    const file = await startRequest(client, 'registration');
    await client.get(step(file, 'precisions'));
    await client.post(step(file, 'precisions'), { categories: 'C' });
    await client.get(step(file, 'etat-civil'));
    const young = new Date();
    young.setUTCFullYear(young.getUTCFullYear() - 19);
    const birth = young.toISOString().slice(0, 10).split('-').reverse().join('/');
    const res = await client.post(step(file, 'etat-civil'), { ...IDENTITY, birth_date: birth });
    expect(res.statusCode).toBe(400);
    const text = textOf(res.body);
    expect(text).toContain('Erreur : ');
    expect(text).toContain('la catégorie C n’est pas possible : il faut avoir au moins 21 ans');
    expect(res.body).toContain('href="#champ-birth_date"');
    expect(res.body).toContain('value="Martin"');
    expect(res.body).toContain(`value="${birth}"`);
  });

  it('refuses a malformed NEPH and accepts none', async () => {
    const client = await camille();
    const file = await startRequest(client, 'registration');
    await client.get(step(file, 'precisions'));
    const res = await client.post(step(file, 'precisions'), { categories: 'B', neph: '12345' });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('Le numéro NEPH comporte 12 chiffres');
    expect(res.body).toMatch(/value="B" checked/);
    expect(res.body).toContain('value="12345"');
    expect((await client.post(step(file, 'precisions'), { categories: 'B', neph: '' })).statusCode).toBe(303);
  });

  it('refuses an unknown photo code, a code used by another request, then rate-limits the checks', async () => {
    const client = await camille();
    const first = await startRequest(client, 'registration');
    await fill(client, first, { categories: 'B' }, { photo_mode: 'code', photo_code: DEMO_PHOTO_CODES[1]! });
    const second = await startRequest(client, 'title_exam');
    await client.get(step(second, 'precisions'));
    await client.post(step(second, 'precisions'), { categories: 'B' });
    await client.get(step(second, 'etat-civil'));
    await client.post(step(second, 'etat-civil'), IDENTITY);
    await client.get(step(second, 'coordonnees'));
    const used = await client.post(step(second, 'coordonnees'), { email: 'camille@example.fr', photo_mode: 'code', photo_code: DEMO_PHOTO_CODES[1]! });
    expect(used.statusCode).toBe(400);
    expect(textOf(used.body)).toContain('Ce code photo-signature a déjà été utilisé pour une autre demande');
    expect(used.body).toContain('value="camille@example.fr"');
    const unknown = await client.post(step(second, 'coordonnees'), { email: 'camille@example.fr', photo_mode: 'code', photo_code: '1234567890123456789012' });
    expect(textOf(unknown.body)).toContain('Ce code photo-signature est inconnu');
    const shape = await client.post(step(second, 'coordonnees'), { email: 'camille@example.fr', photo_mode: 'code', photo_code: 'DEMOPHOTO2026AAAA00001' });
    expect(textOf(shape.body)).toContain('Le code photo-signature comporte 22 chiffres');
    for (let i = 0; i < 5; i++) await client.post(step(second, 'coordonnees'), { email: 'camille@example.fr', photo_mode: 'code', photo_code: '999999999999999999999' + i });
    const locked = await client.post(step(second, 'coordonnees'), { email: 'camille@example.fr', photo_mode: 'code', photo_code: DEMO_PHOTO_CODES[2]! });
    expect(textOf(locked.body)).toContain('Trop de codes erronés : la vérification est bloquée');
    // the good code was not even looked up: still free
    const free = await t.database.db.selectFrom('licence_photo_codes').select('used_at').where('code_hash', '=', hashPhotoCode(t.app.config.sessionSecret, DEMO_PHOTO_CODES[2]!)).executeTakeFirstOrThrow();
    expect(free.used_at).toBeNull();
    expect(await t.database.db.selectFrom('licence_requests').select('photo_code_id').where('file_number', '=', second).executeTakeFirstOrThrow()).toEqual({ photo_code_id: null });
  });

  it('the demo booth issues a new 22-character code, accepted once', async () => {
    const booth = new TestClient(t.app);
    await booth.get('/photo-signature/cabine-demo');
    const key = /name="idempotency_key" value="([^"]+)"/.exec(booth.lastHtml)![1]!;
    const token = booth.csrfToken();
    const [issued, again] = await Promise.all([booth.post('/photo-signature/cabine-demo', { idempotency_key: key }, { csrf: token }), booth.post('/photo-signature/cabine-demo', { idempotency_key: key }, { csrf: token })]);
    const code = /<strong class="app-code">([A-Z0-9]{22})<\/strong>/.exec(issued.body)?.[1];
    expect(code).toMatch(/^[A-Z0-9]{22}$/);
    expect(again.body).toContain(code); // a double click issues one code
    expect(await t.database.db.selectFrom('licence_photo_codes').select('id').where('photographer', '=', 'Cabine de démonstration').execute()).toHaveLength(1);
    const client = await camille();
    const file = await startRequest(client, 'registration');
    await fill(client, file, { categories: 'B' }, { photo_mode: 'code', photo_code: code!.toLowerCase().replace(/(.{4})/g, '$1 ') });
    expect(textOf(client.lastHtml)).toContain('Code photo-signature numérique');
  });

  it('refuses an unsupported file next to its field, keeps the other file joined', async () => {
    const client = await camille();
    const file = await startRequest(client, 'theft');
    await client.get(step(file, 'precisions'));
    await client.post(step(file, 'precisions'), { licence_number: '13AB12345' });
    await client.get(step(file, 'etat-civil'));
    await client.post(step(file, 'etat-civil'), IDENTITY);
    await client.get(step(file, 'coordonnees'));
    await client.post(step(file, 'coordonnees'), { email: 'camille@example.fr', photo_mode: 'classic' });
    await client.get(step(file, 'pieces'));
    expect(textOf(client.lastHtml)).toContain('Récépissé de déclaration de vol');
    const res = await postMultipart(t.app, client, step(file, 'pieces'), { action: 'continue' }, { identity: { filename: 'cni.png', bytes: PNG }, address: { filename: 'facture.docx', bytes: Buffer.from('PK\u0003\u0004 not a pdf') } });
    expect(res.statusCode).toBe(400);
    const text = textOf(res.body);
    expect(text).toContain('Le fichier « facture.docx » n’est pas au format JPG, PNG, BMP, TIFF ou PDF');
    expect(res.body).toContain('href="#champ-address"');
    expect(text).toContain('cni.png');
    const stored = await t.database.db.selectFrom('attachments').select(['id', 'purpose', 'filename']).execute();
    expect(stored.map(({ purpose, filename }) => ({ purpose, filename }))).toEqual([{ purpose: 'identity', filename: 'cni.png' }]);
    const own = await client.get(`${base(file)}/pieces/${stored[0]!.id}`);
    expect(own.headers['content-type']).toBe('image/png');
    expect(own.rawPayload.equals(PNG)).toBe(true);
    const other = await signInUser(t.app, 'demo.entreprise@example.fr');
    expect((await other.get(`${base(file)}/pieces/${stored[0]!.id}`)).statusCode).toBe(404);
    await client.get(step(file, 'pieces'));
    // the theft report is still missing
    const missing = await postMultipart(t.app, client, step(file, 'pieces'), { action: 'continue' }, { address: { filename: 'facture.pdf', bytes: PDF } });
    expect(textOf(missing.body)).toContain('Joignez : récépissé de déclaration de vol');
  });

  it('a loss: the timbre is checked and consumed; the user may not drive until the attestation de droits à conduire, available once checked', async () => {
    const client = await camille();
    const file = await startRequest(client, 'loss');
    await fill(client, file, { licence_number: '13AB12345' }, { photo_mode: 'code', photo_code: DEMO_PHOTO_CODES[3]! });
    expect(textOf(client.lastHtml)).toContain('Timbre fiscal électronique : 25,00 €');
    const small = await buyStamp(1250);
    const notEnough = await client.post(step(file, 'envoi'), { stamp_number: small.number, clu: 'oui' });
    expect(notEnough.statusCode).toBe(400);
    expect(textOf(notEnough.body)).toMatch(/Le timbre vaut 12,50.€ : il faut un timbre de 25,00.€/);
    expect(notEnough.body).toContain('href="#champ-stamp_number"');
    expect(notEnough.body).toContain(`value="${small.number}"`);
    const malformed = await client.post(step(file, 'envoi'), { stamp_number: '1234', clu: 'oui' });
    expect(textOf(malformed.body)).toContain('Le numéro du timbre fiscal comporte 16 chiffres');
    const stamp = await buyStamp(2500);
    expect((await client.post(step(file, 'envoi'), { stamp_number: stamp.number, clu: 'oui' })).statusCode).toBe(303);
    const sent = textOf((await client.get(base(file))).body);
    expect(sent).toContain('Vous n’êtes pas autorisé à conduire');
    expect(sent).toContain(`25,00 € (timbre n° •••• ${stamp.number.slice(-4)})`);
    expect((await client.get(`${base(file)}/documents/attestation.pdf`)).statusCode).toBe(404);

    // the same stamp on another loss request: already used
    const again = await startRequest(client, 'loss');
    await fill(client, again, { licence_number: '13AB12345' }, { photo_mode: 'classic' });
    const reused = await client.post(step(again, 'envoi'), { stamp_number: stamp.number, clu: 'oui' });
    expect(reused.statusCode).toBe(400);
    expect(textOf(reused.body)).toContain('Ce timbre a déjà été utilisé pour une autre démarche');

    const agent = await signInAgent(new TestClient(t.app), 'agent.permis@example.fr');
    const id = (await t.database.db.selectFrom('licence_requests').select('id').where('file_number', '=', file).executeTakeFirstOrThrow()).id;
    await agent.get(`/agents/permis/${id}`);
    await agent.post(`/agents/permis/${id}/prendre`, {});
    await agent.get(`/agents/permis/${id}`);
    await agent.post(`/agents/permis/${id}/decision/accept_images`, {});
    const checked = textOf((await client.get(base(file))).body);
    expect(checked).not.toContain('Vous n’êtes pas autorisé à conduire');
    const stated = /Attestation de droits à conduire \(PDF – (\d+) Ko\)/.exec(checked);
    expect(stated, 'the link states the format and size').not.toBeNull();
    const attestation = await client.get(`${base(file)}/documents/attestation.pdf`);
    expect(Math.abs(Number(stated![1]) - attestation.rawPayload.length / 1024)).toBeLessThanOrEqual(1);
    expect(attestation.headers['content-type']).toBe('application/pdf');
    expect(pdfText(attestation.rawPayload)).toContain('Attestation de droits à conduire');
    await t.app.worker.drain();
    // FAQ: "Vous serez prévenu par email et sms dès que l’attestation sera disponible"
    const email = await t.database.db.selectFrom('outgoing_messages').select(['subject', 'body_text']).where('channel', '=', 'email').where('subject', 'like', `%${file}%`).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(email.subject).toBe(`Votre attestation de droits à conduire est disponible (${file})`);
    expect(email.body_text).toContain('Votre attestation de droits à conduire est disponible dans votre espace');
    const sms = await t.database.db.selectFrom('outgoing_messages').select(['recipient', 'body_text']).where('channel', '=', 'sms').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(sms.body_text).toContain(`Votre attestation de droits à conduire est disponible (${file})`);
  });

  it('a correction is refused for a title received more than 6 months ago, and in each case the FAQ excludes', async () => {
    const client = await camille();
    // The account holds a title to correct (without one, the step offers the ways out instead of the form: licence-correction-nothing-to-correct.test.ts).
    await validatedRequest('demo.particulier@example.fr', 'P26-ORIG0000');
    const file = await startRequest(client, 'correction');
    await client.get(step(file, 'precisions'));
    const old = new Date();
    old.setUTCMonth(old.getUTCMonth() - 7);
    const oldDate = old.toISOString().slice(0, 10).split('-').reverse().join('/');
    const fields = { licence_number: '13AB12345', received_on: oldDate, correction_error: 'civil_status', correction_detail: 'Prénom Camile au lieu de Camille' };
    const tooOld = await client.post(step(file, 'precisions'), fields);
    expect(tooOld.statusCode).toBe(400);
    expect(textOf(tooOld.body)).toContain('Votre titre a été reçu il y a plus de 6 mois : la demande de correction n’est plus possible');
    expect(tooOld.body).toContain('Prénom Camile au lieu de Camille');
    const recent = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10).split('-').reverse().join('/');
    const moved = await client.post(step(file, 'precisions'), { ...fields, received_on: recent, exclusions: 'moved' });
    expect(textOf(moved.body)).toContain('Cette démarche ne s’applique pas si vous avez déménagé dans un autre département');
    const notMine = await client.post(step(file, 'precisions'), { ...fields, received_on: recent, exclusions: ['not_mine', 'old_format'] });
    expect(textOf(notMine.body)).toContain('Cette démarche ne s’applique pas à un titre qui n’est pas le vôtre');
    // only a title from an online request of this account can be corrected (FAQ)
    const noOrigin = await client.post(step(file, 'precisions'), { ...fields, received_on: recent });
    expect(textOf(noOrigin.body)).toContain('Seuls les titres issus d’une demande en ligne faite depuis votre compte peuvent être corrigés');
    const original = await validatedRequest('demo.particulier@example.fr', 'P26-ORIG0001');
    await client.get(step(file, 'precisions'));
    expect(textOf(client.lastHtml)).toContain(`${original} : Titre après réussite à l’examen`);
    // another account's validated request is not an origin for this one
    const theirs = await validatedRequest('demo.entreprise@example.fr', 'P26-AUTR0001');
    const stolen = await client.post(step(file, 'precisions'), { ...fields, received_on: recent, original_file: theirs });
    expect(stolen.statusCode).toBe(400);
    expect(stolen.body).not.toContain('P26-AUTR0001 :');
    expect((await client.post(step(file, 'precisions'), { ...fields, received_on: recent, original_file: original })).statusCode).toBe(303);
    // no photo step: taken from the initial request
    await client.get(step(file, 'etat-civil'));
    await client.post(step(file, 'etat-civil'), IDENTITY);
    await client.get(step(file, 'coordonnees'));
    expect(client.lastHtml).not.toContain('name="photo_mode"');
  });

  it('a driving school files a registration for its student, and may not ask for a correction', async () => {
    const school = await signInUser(t.app, 'demo.auto-ecole@example.fr');
    await school.get('/permis/demandes/nouvelle');
    expect(school.lastHtml).not.toContain('value="correction"');
    const key = /name="idempotency_key" value="([^"]+)"/.exec(school.lastHtml)![1]!;
    const refused = await school.post('/permis/demandes/nouvelle', { idempotency_key: key, reason: 'correction', for_whom: 'other' });
    expect(textOf(refused.body)).toContain('Les écoles de conduite ne sont pas autorisées à faire une demande de correction');
    const file = await startRequest(school, 'registration', 'self');
    const row = await t.database.db.selectFrom('licence_requests').select(['for_other']).where('file_number', '=', file).executeTakeFirstOrThrow();
    expect(row.for_other).toBe(true);
  });

  it('a request for another person records their identity and notifies their contact details', async () => {
    const client = await camille();
    const file = await startRequest(client, 'registration', 'other');
    await client.get(step(file, 'precisions'));
    await client.post(step(file, 'precisions'), { categories: 'AM' });
    await client.get(step(file, 'etat-civil'));
    expect(textOf(client.lastHtml)).toContain('saisissez ses informations, pas les vôtres');
    await client.post(step(file, 'etat-civil'), { ...IDENTITY, family_name: 'Durand', given_names: 'Léo', birth_date: '02/02/2010' });
    await client.get(step(file, 'coordonnees'));
    await client.post(step(file, 'coordonnees'), { email: 'leo.durand@example.fr', mobile: '0798765432', photo_mode: 'classic' });
    await client.get(step(file, 'pieces'));
    await postMultipart(t.app, client, step(file, 'pieces'), { action: 'continue' }, { identity: { filename: 'cni.png', bytes: PNG }, address: { filename: 'facture.pdf', bytes: PDF } });
    await client.get(step(file, 'envoi'));
    expect((await client.post(step(file, 'envoi'), { clu: 'oui' })).statusCode).toBe(303);
    await t.app.worker.drain();
    const messages = await t.database.db.selectFrom('outgoing_messages').select(['channel', 'recipient', 'body_text', 'account_id']).where('link', 'like', `%${file}`).execute();
    expect(messages.map((m) => `${m.channel}:${m.recipient}`).sort()).toEqual(['email:leo.durand@example.fr', 'sms:0798765432']);
    expect(messages.find((m) => m.channel === 'email')!.body_text).toContain('Bonjour Léo,');
    expect(messages[0]!.account_id).toBe(await accountId('demo.particulier@example.fr'));
  });

  it('a classic photo: the FPS stays downloadable from "Consulter" under the photo-signature heading', async () => {
    const client = await camille();
    const file = await startRequest(client, 'renewal');
    await fill(client, file, { categories: 'B', licence_number: '13AB12345' }, { photo_mode: 'classic' });
    await client.post(step(file, 'envoi'), { clu: 'oui' });
    const page = await client.get(base(file));
    const text = textOf(page.body);
    expect(text).toContain('Photo / signature de la personne concernée par le titre');
    expect(text).toMatch(/Photo \/ signature de la personne concernée par le titre Imprimez le formulaire.*formulaire dépôt photo et signature \(PDF – \d+ Ko\)/);
    const fps = await client.get(`${base(file)}/documents/fps.pdf`);
    expect(fps.headers['content-type']).toBe('application/pdf');
    const pdf = pdfText(fps.rawPayload);
    expect(pdf).toContain('Formulaire de dépôt photo et signature');
    expect(pdf).toContain(file);
    expect(pdf).toContain('courrier simple');
    // the QR code's verification page
    const sig = /\/permis\/verifier\/[^/]+\/([A-Za-z0-9_-]+)/.exec(pdf)?.[1];
    expect(sig).toBeTruthy();
    const verify = await new TestClient(t.app).get(`/permis/verifier/${file}/${sig}`);
    expect(textOf(verify.body)).toContain('Document authentique');
    expect((await new TestClient(t.app).get(`/permis/verifier/${file}/${'x'.repeat(32)}`)).statusCode).toBe(404);
  });
});
