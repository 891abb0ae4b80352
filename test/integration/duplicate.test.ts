import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createVehicleInstruction } from '../../src/domains/instruction/vehicle-instruction.ts';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { emailCount, lastEmailTo } from '../helpers/outbox.ts';
import { pdfText } from '../helpers/pdf.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

const REPORT_PDF = readFileSync('test/fixtures/recepisse-vol.pdf');
const SCAN_PNG = readFileSync('test/fixtures/scan.png');
const FAKE_PDF = readFileSync('test/fixtures/not-a-pdf.pdf');
const USER = 'demo.particulier@example.fr';

describe('duplicate (duplicata) of a registration certificate', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  async function open(plate: keyof typeof DEMO_VEHICLE_CODES = 'AB-123-CD') {
    const client = await signInUser(t.app, USER);
    const page = await client.follow(await postNewProcedure(client, { kind: 'duplicate', initiator: 'self', plate }));
    await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES[plate] });
    const base = `${page.url}/duplicata`;
    await client.get(base);
    return { client, base, file: page.url.split('/').pop()! };
  }

  async function pay(client: TestClient, base: string, card = '4242424242424242') {
    await client.get(base);
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    await client.follow(await client.post(`${base}/payer`, { idempotency_key: key }));
    await client.submit(/paiement-simule/, { card_number: card, expiry: '12/30', cvc: '123', action: 'valider' });
    return client.follow(await client.get('/paiement/retour'));
  }

  const procedure = (file: string) => t.database.db.selectFrom('vehicle_procedures').selectAll().where('file_number', '=', file).executeTakeFirstOrThrow();

  it('after a loss: declared on honour, summary with the taxes, paid once; new certificate, old one invalid, CPI and summary PDFs', async () => {
    const { client, base, file } = await open();
    const before = await t.database.db.selectFrom('vehicles').select(['id', 'certificate_number']).where('plate', '=', 'AB-123-CD').executeTakeFirstOrThrow();
    const missing = await client.post(base, { reason: 'loss' });
    expect(missing.statusCode).toBe(400);
    expect(textOf(missing.body)).toContain('Cochez la case pour faire la déclaration sur l’honneur');
    expect(missing.body).toMatch(/value="loss"[^>]*checked/);
    await client.post(base, { reason: 'loss', declaration: 'oui' });
    const summary = textOf((await client.get(base)).body);
    expect(summary).toContain('Motif Perte');
    expect(summary).toContain('Je déclare sur l’honneur avoir perdu');
    expect(summary).toMatch(/Montant à payer 13,76\s€/);
    expect(summary).toContain('Y.4');
    const noClu = await client.post(`${base}/confirmer`, {});
    expect(textOf(noClu.body)).toContain('Cochez la case pour accepter les conditions légales d’utilisation');
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    expect((await procedure(file)).status).toBe('awaiting_payment');

    // a declined card first: the request stays in the basket, payable again
    const declined = await pay(client, base, '4000000000000002');
    expect(textOf(declined.body)).toContain('Le paiement a été refusé par la banque');
    expect((await procedure(file)).status).toBe('awaiting_payment');
    const done = await pay(client, base);
    expect(textOf(done.body)).toContain('Demande de duplicata terminée');
    expect(textOf(done.body).match(/paiement est enregistré/g)).toHaveLength(1); // the notice once, not again in the page
    const after = await t.database.db.selectFrom('vehicles').select(['certificate_number']).where('id', '=', before.id).executeTakeFirstOrThrow();
    expect(after.certificate_number).not.toBe(before.certificate_number);
    const invalid = await t.database.db.selectFrom('invalidated_certificates').selectAll().executeTakeFirstOrThrow();
    expect(invalid).toMatchObject({ certificate_number: before.certificate_number, reason: 'loss', vehicle_id: before.id });
    const charged = await t.database.db.selectFrom('payments').select(['status', 'amount_cents']).where('status', '=', 'success').execute();
    expect(charged).toEqual([{ status: 'success', amount_cents: 1376 }]);

    const cpi = await client.get(`/vehicules/demandes/${file}/cpi.pdf`);
    expect(cpi.headers['content-type']).toBe('application/pdf');
    expect(pdfText(cpi.rawPayload)).toContain(file);
    const recap = await client.get(`/vehicules/demandes/${file}/recapitulatif.pdf`);
    const recapText = pdfText(recap.rawPayload);
    expect(recapText).toContain('Demande de duplicata');
    expect(recapText).toContain(`Ancien certificat (invalidé) : ${before.certificate_number}`);
    expect(recapText).toContain('13,76');
    const mail = await lastEmailTo(t.app, USER);
    expect(mail.subject).toBe(`Votre demande est terminée (Demande de duplicata ${file})`);
    expect(mail.text).toMatch(/^Bonjour Camille,/);
    expect(mail.text).not.toContain('Martin');

    // paying again is refused; nothing is charged twice
    await client.get(base);
    const again = await client.post(`${base}/payer`, { idempotency_key: 'x'.repeat(22) });
    expect(again.headers.location).toBe(`${base}/fin`);
    expect(await t.database.db.selectFrom('payments').select('id').where('status', '=', 'success').execute()).toHaveLength(1);
  });

  it('refuses a file that is not JPG, PNG, BMP, TIFF or PDF, or larger than 11 MB, and keeps the message typed', async () => {
    const { client, base } = await open();
    await client.post(base, { reason: 'theft' });
    await client.get(base);
    const fake = await client.postFiles(`${base}/declaration-vol`, { comment: 'Volée le 3 novembre' }, [{ field: 'report', filename: 'recepisse.pdf', bytes: FAKE_PDF, contentType: 'application/pdf' }]);
    expect(fake.statusCode).toBe(400);
    expect(textOf(fake.body)).toContain('Le fichier « recepisse.pdf » n’est pas au format JPG, PNG, BMP, TIFF ou PDF');
    expect(fake.body).toContain('Volée le 3 novembre');
    const big = Buffer.concat([REPORT_PDF, Buffer.alloc(11 * 1024 * 1024)]);
    const oversize = await client.postFiles(`${base}/declaration-vol`, { comment: 'Volée le 3 novembre' }, [{ field: 'report', filename: 'gros.pdf', bytes: big }]);
    expect(oversize.statusCode).toBe(400);
    expect(textOf(oversize.body)).toContain('Le fichier « gros.pdf » dépasse 11 Mo');
    const none = await client.postFiles(`${base}/declaration-vol`, { comment: '' }, []);
    expect(textOf(none.body)).toContain('Joignez le récépissé de votre déclaration de vol');
    expect(await t.database.db.selectFrom('attachments').select('id').execute()).toHaveLength(0);
  });

  it('the "cas particulier" box (weather event): the fixed tax is not due, 2,76 € is charged and the summary PDF says why; refused with a theft', async () => {
    const { client, base, file } = await open('VW-654-XY');
    const theft = await client.post(base, { reason: 'theft', special: 'intemperies' });
    expect(theft.statusCode).toBe(400);
    expect(textOf(theft.body)).toContain('Ce cas particulier concerne une perte ou une détérioration, pas un vol');
    expect(theft.body).toMatch(/value="intemperies"[^>]*checked/);
    await client.post(base, { reason: 'damage', declaration: 'oui', special: 'intemperies' });
    const summary = textOf((await client.get(base)).body);
    expect(summary).toContain('Cas particulier');
    expect(summary).toMatch(/Montant à payer 2,76\s€/);
    expect(summary).toContain('Exonérée (L421-40)');
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    await pay(client, base);
    expect((await t.database.db.selectFrom('payments').select('amount_cents').where('status', '=', 'success').executeTakeFirstOrThrow()).amount_cents).toBe(276);
    expect(pdfText((await client.get(`/vehicules/demandes/${file}/recapitulatif.pdf`)).rawPayload)).toContain('événement climatique');
    // without the box the same request costs 13,76 €
    const other = await open('AB-123-CD');
    await other.client.post(other.base, { reason: 'damage', declaration: 'oui' });
    expect(textOf((await other.client.get(other.base)).body)).toMatch(/Montant à payer 13,76\s€/);
  });

  it('after a theft already recorded in the registry: no report and no centre, the CSA names the recorded theft, then paid', async () => {
    const { client, base, file } = await open('1234 AB 75');
    await client.post(base, { reason: 'theft' });
    const summary = textOf((await client.get(base)).body);
    expect(summary).toContain('Le vol de votre certificat est déjà enregistré au système d’immatriculation des véhicules depuis le 20/11/2026');
    expect(summary).not.toContain('Joignez le récépissé');
    // a report cannot be sent: the request never goes to the centre
    const report = await client.postFiles(`${base}/declaration-vol`, {}, [{ field: 'report', filename: 'vol.pdf', bytes: REPORT_PDF, contentType: 'application/pdf' }]);
    expect(textOf(report.body)).toContain('Cette demande n’attend pas de déclaration de vol.');
    expect(await t.database.db.selectFrom('attachments').select('id').execute()).toHaveLength(0);
    expect((await client.get(`${base}/csa.pdf`)).statusCode).toBe(404); // issued at validation
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    expect((await procedure(file)).status).toBe('awaiting_payment');
    const csa = await client.get(`${base}/csa.pdf`);
    expect(csa.headers['content-type']).toBe('application/pdf');
    const text = pdfText(csa.rawPayload);
    expect(text).toContain('Vol du certificat');
    expect(text).toContain('enregistré au système d’immatriculation des véhicules depuis le 20/11/2026');
    // another account never reads it
    const other = await signInUser(t.app, 'demo.entreprise@example.fr');
    expect((await other.get(`${base}/csa.pdf`)).statusCode).toBe(404);
    await pay(client, base);
    expect((await procedure(file)).status).toBe('completed');
    const recap = pdfText((await client.get(`/vehicules/demandes/${file}/recapitulatif.pdf`)).rawPayload);
    expect(recap).toContain('Vol du certificat enregistré au système d’immatriculation le 20/11/2026');
  });

  it('after a theft not recorded: sending the report issues the CSA stating the declaration; validating before the centre accepts it is refused', async () => {
    const { client, base, file } = await open();
    await client.post(base, { reason: 'theft' });
    expect((await client.get(`${base}/csa.pdf`)).statusCode).toBe(404);
    await client.postFiles(`${base}/declaration-vol`, {}, [{ field: 'report', filename: 'vol.pdf', bytes: REPORT_PDF, contentType: 'application/pdf' }]);
    expect((await procedure(file)).status).toBe('awaiting_review');
    const stated = /Certificat de situation administrative \(PDF – (\d+) Ko\)/.exec(textOf((await client.get(base)).body));
    expect(stated, 'the CSA link states the format and size').not.toBeNull();
    const csa = (await client.get(`${base}/csa.pdf`)).rawPayload;
    // the size stated is the downloaded document's (within 1 Ko)
    expect(Math.abs(Number(stated![1]) - csa.length / 1024)).toBeLessThanOrEqual(1);
    const text = pdfText(csa);
    expect(text).toContain('a été déclaré par le titulaire le');
    expect(text).toContain('Gage');
    await client.get(base);
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    expect((await procedure(file)).status).toBe('awaiting_review');
  });

  it('after a theft: the report is checked by the instruction centre, refused with a note, sent again, accepted, then paid', async () => {
    const { client, base, file } = await open();
    await client.post(base, { reason: 'theft' });
    await client.get(base);
    expect(textOf(client.lastHtml)).toContain('Déclaration de vol');
    await client.postFiles(`${base}/declaration-vol`, { comment: 'Volée dans ma voiture.' }, [{ field: 'report', filename: 'récépissé vol.pdf', bytes: REPORT_PDF, contentType: 'application/pdf' }]);
    expect((await procedure(file)).status).toBe('awaiting_review');
    expect(textOf((await client.get(base)).body)).toContain('Demande en attente de contrôle');
    expect((await lastEmailTo(t.app, USER)).subject).toContain('Votre demande est transmise au centre d’instruction');

    const agent = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    const queue = textOf((await agent.get('/agents/vehicules')).body);
    expect(queue).toContain(file);
    expect(queue).toContain('AB-123-CD');
    // deciding without taking the request first is refused, nothing changes
    const first = await agent.get(`/agents/vehicules/${file}`);
    expect(first.statusCode, first.body.slice(0, 3000)).toBe(200);
    const untaken = await agent.follow(await agent.post(`/agents/vehicules/${file}/decision/accept_pieces`, { note: '' }));
    expect(textOf(untaken.body)).toContain('Prenez d’abord la demande pour la décider.');
    await agent.post(`/agents/vehicules/${file}/prendre`, {});
    const view = await agent.get(`/agents/vehicules/${file}`);
    const piece = /\/agents\/vehicules\/[^/]+\/pieces\/(\d+)"/.exec(view.body)![1]!;
    const inline = await agent.get(`/agents/vehicules/${file}/pieces/${piece}`);
    expect(inline.headers['content-type']).toBe('application/pdf');
    expect(inline.headers['content-disposition']).toMatch(/^inline/);
    expect(inline.rawPayload.equals(REPORT_PDF)).toBe(true);
    await agent.get(`/agents/vehicules/${file}`);
    const noReason = await agent.post(`/agents/vehicules/${file}/pieces/${piece}/examen`, { decision: 'refused' });
    expect(textOf(noReason.body)).toContain('Choisissez le motif du refus');
    await agent.post(`/agents/vehicules/${file}/pieces/${piece}/examen`, { decision: 'refused', reason: 'illisible', note: 'Le tampon du commissariat est illisible.' });
    // accepting is impossible while the last report is refused
    const early = await agent.post(`/agents/vehicules/${file}/decision/accept_pieces`, { note: '' });
    expect(textOf(early.body)).toContain('La dernière pièce envoyée doit être acceptée pour valider');
    const noNote = await agent.post(`/agents/vehicules/${file}/decision/ask_complement`, { note: '' });
    expect(textOf(noNote.body)).toContain('Écrivez la note qui explique à l’usager ce qu’il doit compléter');
    await agent.post(`/agents/vehicules/${file}/decision/ask_complement`, { note: 'Merci de renvoyer un récépissé lisible, tampon compris.' });
    expect((await procedure(file)).status).toBe('to_complete');
    const complement = await lastEmailTo(t.app, USER);
    expect(complement.subject).toContain('Votre demande est à compléter');
    expect(complement.link).toBe(`/vehicules/demandes/${file}`);

    // the user finds it in the basket, reads the note, answers and sends the report again
    const basket = textOf((await client.get('/vehicules')).body);
    expect(basket).toContain('Complément à fournir');
    expect(basket).toContain('Action requise');
    expect(basket).toContain('1 message non lu');
    const page = textOf((await client.get(base)).body);
    expect(page).toContain('Merci de renvoyer un récépissé lisible, tampon compris.');
    expect(page).toContain('Motif : Document illisible — Le tampon du commissariat est illisible.');
    expect(textOf((await client.get('/vehicules')).body)).not.toContain('message non lu');
    const noFile = await client.postFiles(`${base}/complement`, { message: 'Voici le nouveau scan.' }, []);
    expect(textOf(noFile.body)).toContain('Joignez de nouveau le récépissé de déclaration de vol : le précédent a été refusé');
    expect(noFile.body).toContain('Voici le nouveau scan.');
    await client.postFiles(`${base}/complement`, { message: 'Voici le nouveau scan.' }, [{ field: 'report', filename: 'scan.png', bytes: SCAN_PNG }]);
    expect((await procedure(file)).status).toBe('awaiting_review');

    // back in the queue, unassigned; the agent sees the unread answer, takes it again and accepts
    expect(textOf((await agent.get('/agents/vehicules')).body)).toContain('1 non lu');
    await agent.get(`/agents/vehicules/${file}`);
    await agent.post(`/agents/vehicules/${file}/prendre`, {});
    const second = /\/pieces\/(\d+)"/g;
    const ids = [...(await agent.get(`/agents/vehicules/${file}`)).body.matchAll(second)].map((m) => m[1]!);
    await agent.post(`/agents/vehicules/${file}/pieces/${ids.at(-1)}/examen`, { decision: 'accepted' });
    await agent.post(`/agents/vehicules/${file}/decision/accept_pieces`, { note: '' });
    expect((await procedure(file)).status).toBe('in_progress');
    expect((await lastEmailTo(t.app, USER)).subject).toContain('Vos pièces sont validées');

    const summary = textOf((await client.get(base)).body);
    expect(summary).toContain('Le centre d’instruction a accepté votre déclaration de vol');
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    const done = await pay(client, base);
    expect(textOf(done.body)).toContain('Demande de duplicata terminée');
    expect(await t.database.db.selectFrom('invalidated_certificates').select('reason').execute()).toEqual([{ reason: 'theft' }]);
    // one email per status change: sent, to complete, answered, accepted, done
    expect(await emailCount(t.app, USER)).toBeGreaterThanOrEqual(5);
    const log = await t.database.db.selectFrom('outgoing_messages').select(['subject', 'account_id', 'link']).where('recipient', '=', USER).orderBy('id').execute();
    expect(log.every((m) => m.account_id !== null && m.link?.endsWith(`/vehicules/demandes/${file}`))).toBe(true);
    expect(await verifyAuditChain(t.database.db)).toMatchObject({ ok: true });
    const actions = (await t.database.db.selectFrom('audit_events').select('action').where('subject_kind', '=', 'vehicle_procedure').orderBy('id').execute()).map((r) => r.action);
    expect(actions).toEqual(expect.arrayContaining(['vehicle_procedure.submit_for_review', 'attachment.refused', 'vehicle_procedure.ask_complement', 'vehicle_procedure.resubmit', 'attachment.accepted', 'vehicle_procedure.accept_pieces', 'agent.viewed_request', 'agent.viewed_attachment', 'vehicle_procedure.paid']));
  });

  async function theftUnderReview() {
    const { client, base, file } = await open();
    await client.post(base, { reason: 'theft' });
    await client.get(base);
    await client.postFiles(`${base}/declaration-vol`, {}, [{ field: 'report', filename: 'r.pdf', bytes: REPORT_PDF }]);
    return { client, base, file };
  }

  it('a theft report accepted by the centre is written to the registry’s theft flag, audited; a complement asked writes nothing; the new certificate clears it', async () => {
    const { client, base, file } = await theftUnderReview();
    const instruction = createVehicleInstruction({ db: t.database.db, config: t.app.config, attachments: t.app.attachments });
    const cert = await t.database.db.selectFrom('agents').selectAll().where('email', '=', 'agent.cert@example.fr').executeTakeFirstOrThrow();
    const { vehicle_id } = await procedure(file);
    const flag = async () =>
      (await t.database.db.selectFrom('vehicles').select(sql<string | null>`to_char(certificate_theft_recorded_on, 'YYYY-MM-DD')`.as('on')).where('id', '=', vehicle_id).executeTakeFirstOrThrow()).on;
    const theftAudits = () => t.database.db.selectFrom('audit_events').select(['subject_kind', 'subject_id', 'details']).where('action', '=', 'vehicle.certificate_theft_recorded').execute();
    expect(await flag()).toBeNull();
    const piece = (await t.database.db.selectFrom('attachments').select('id').executeTakeFirstOrThrow()).id;
    expect(await instruction.take(cert, file, '127.0.0.1')).toEqual({ ok: true });
    await instruction.reviewPiece(cert, file, piece, { decision: 'refused', reason: 'illisible' }, '127.0.0.1');
    expect(await instruction.decide(cert, file, 'ask_complement', { note: 'Renvoyez un récépissé lisible.' }, '127.0.0.1')).toEqual({ ok: true });
    expect(await flag(), 'a refused report records nothing').toBeNull();
    await client.get(base);
    await client.postFiles(`${base}/complement`, { message: 'Voici le nouveau scan.' }, [{ field: 'report', filename: 'scan.png', bytes: SCAN_PNG }]);
    await instruction.take(cert, file, '127.0.0.1');
    const second = (await t.database.db.selectFrom('attachments').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
    await instruction.reviewPiece(cert, file, second, { decision: 'accepted' }, '127.0.0.1');
    expect(await instruction.decide(cert, file, 'accept_pieces', {}, '127.0.0.1')).toEqual({ ok: true });
    expect(await flag(), 'the day the centre accepted the report (the app clock: 1 December 2026)').toBe('2026-12-01');
    expect(await theftAudits()).toEqual([{ subject_kind: 'vehicle', subject_id: vehicle_id, details: expect.objectContaining({ recorded_on: '2026-12-01', procedure: file }) }]);
    // the summary still says the centre accepted it (the flag dates the registry, not this request's path)
    expect(textOf((await client.get(base)).body)).toContain('Le centre d’instruction a accepté votre déclaration de vol');
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    await pay(client, base);
    expect((await procedure(file)).status).toBe('completed');
    expect(await flag(), 'the new certificate is not stolen').toBeNull();
    expect(await theftAudits()).toHaveLength(1);
    expect(await verifyAuditChain(t.database.db)).toMatchObject({ ok: true });
  });

  it('keeps users and agents in their lanes: another user gets 404, a user never reaches the back office, an agent out of scope is refused', async () => {
    const { client, file } = await theftUnderReview();
    const pieceId = (await t.database.db.selectFrom('attachments').select('id').executeTakeFirstOrThrow()).id;
    expect((await client.get(`/vehicules/demandes/${file}/pieces/${pieceId}`)).statusCode).toBe(200);
    const other = await signInUser(t.app, 'demo.garage@example.fr');
    expect((await other.get(`/vehicules/demandes/${file}/pieces/${pieceId}`)).statusCode).toBe(404);
    expect((await other.get(`/vehicules/demandes/${file}/duplicata`)).statusCode).toBe(404);
    const reach = await client.get('/agents/vehicules');
    expect(reach.statusCode).toBe(303);
    expect(reach.headers.location).toBe('/agents/connexion');

    const instruction = createVehicleInstruction({ db: t.database.db, config: t.app.config, attachments: t.app.attachments });
    const agents = await t.database.db.selectFrom('agents').selectAll().execute();
    const cert = agents.find((a) => a.email === 'agent.cert@example.fr')!;
    const marseille = { ...cert, id: cert.id, scope: '13' };
    expect(await instruction.view(marseille, file, '127.0.0.1')).toMatchObject({ ok: false, status: 403, error: 'Cette demande ne relève pas de votre périmètre.' });
    expect((await instruction.queue(marseille, { status: 'awaiting_review', kind: null, department: null, from: null, to: null, q: '', after: null })).rows).toHaveLength(0);
    const licence = agents.find((a) => a.email === 'agent.permis@example.fr')!;
    expect(await instruction.take(licence, file, '127.0.0.1')).toMatchObject({ ok: false, status: 403 });
    expect((await procedure(file)).assigned_agent_id).toBeNull();
  });

  it('two agents: the one who took the request decides; simultaneous decisions, one wins and the other is told', async () => {
    const { file } = await theftUnderReview();
    const instruction = createVehicleInstruction({ db: t.database.db, config: t.app.config, attachments: t.app.attachments });
    const cert = (await t.database.db.selectFrom('agents').selectAll().where('email', '=', 'agent.cert@example.fr').executeTakeFirstOrThrow());
    const other = await t.database.db.insertInto('agents').values({ email: 'agent.cert2@example.fr', display_name: 'Second agent', role: 'instruction_centre', scope: null, password_hash: 'x', totp_secret: 'x', totp_confirmed_at: new Date() }).returningAll().executeTakeFirstOrThrow();
    expect(await instruction.take(cert, file, '127.0.0.1')).toEqual({ ok: true });
    expect(await instruction.take(other, file, '127.0.0.1')).toMatchObject({ ok: false, error: 'Un autre agent a déjà pris cette demande.' });
    expect(await instruction.decide(other, file, 'reject', { note: 'Non' }, '127.0.0.1')).toMatchObject({ ok: false, error: 'Un autre agent a pris cette demande : vous ne pouvez pas la décider.' });
    const results = await Promise.all([
      instruction.decide(cert, file, 'reject', { note: 'Récépissé d’un autre véhicule.' }, '127.0.0.1'),
      instruction.decide(cert, file, 'ask_complement', { note: 'Renvoyez le récépissé.' }, '127.0.0.1'),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toMatchObject({ ok: false, status: 409 });
    const after = await procedure(file);
    expect(['rejected', 'to_complete']).toContain(after.status);
    // the losing decision left no message behind
    expect(await t.database.db.selectFrom('request_messages').select('id').execute()).toHaveLength(1);
    // a decision the state does not allow: clear message, nothing changed
    expect(await instruction.decide(cert, file, 'accept_pieces', {}, '127.0.0.1')).toMatchObject({ ok: false, status: 409, error: expect.stringContaining('cette décision n’est pas possible') });
    expect((await procedure(file)).status).toBe(after.status);
  });

  it('an operator exports a request’s history as CSV; the export is audited; other agents cannot', async () => {
    const { file } = await theftUnderReview();
    const operator = await signInAgent(new TestClient(t.app), 'agent.operateur@example.fr');
    await operator.get('/agents/historique');
    const bad = await operator.get('/agents/historique?dossier=V26-NOPE');
    expect(textOf(bad.body)).toContain('Aucune demande ne porte ce numéro de dossier');
    const csv = await operator.get(`/agents/historique?dossier=${file}`);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.body).toContain('"vehicle_procedure.started"');
    expect(csv.body).toContain('"vehicle_procedure.submit_for_review"');
    expect(await t.database.db.selectFrom('audit_events').select('action').where('action', '=', 'agent.exported_history').execute()).toHaveLength(1);
    const cert = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    const refused = await cert.follow(await cert.get(`/agents/historique?dossier=${file}`));
    expect(textOf(refused.body)).toContain('L’export de l’historique est réservé aux opérateurs de l’agence.');
  });

  it('while the centre examines the request, the user writes to it with a file; the agent sees it unread; outside that state the message is refused', async () => {
    const { client, base, file } = await theftUnderReview();
    await client.get(base);
    const empty = await client.postFiles(`${base}/message`, { user_message: ' ' }, []);
    expect(textOf(empty.body)).toContain('Écrivez votre message');
    const wrong = await client.postFiles(`${base}/message`, { user_message: 'Je joins la photo de la plainte.' }, [{ field: 'user_message_file', filename: 'plainte.pdf', bytes: FAKE_PDF }]);
    expect(textOf(wrong.body)).toContain('n’est pas au format JPG, PNG, BMP, TIFF ou PDF');
    expect(wrong.body).toContain('Je joins la photo de la plainte.');
    await client.postFiles(`${base}/message`, { user_message: 'Je joins la photo de la plainte.' }, [{ field: 'user_message_file', filename: 'plainte.png', bytes: SCAN_PNG }]);
    const page = textOf((await client.get(base)).body);
    expect(page).toContain('Je joins la photo de la plainte.');
    expect(page).toContain('Pièce jointe à un message : plainte.png');
    const agent = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    expect(textOf((await agent.get('/agents/vehicules')).body)).toContain('1 non lu');
    const view = textOf((await agent.get(`/agents/vehicules/${file}`)).body);
    expect(view).toContain('Je joins la photo de la plainte.');
    expect(view).toContain('Pièce jointe à un message : plainte.png');
    expect(textOf((await agent.get('/agents/vehicules')).body)).not.toContain('1 non lu');
    // once sent back to the user, the answer goes through "Répondre", not a loose message
    await agent.post(`/agents/vehicules/${file}/prendre`, {});
    await agent.get(`/agents/vehicules/${file}`);
    await agent.post(`/agents/vehicules/${file}/decision/ask_complement`, { note: 'Précisez la date du vol.' });
    await client.get(base);
    const late = await client.postFiles(`${base}/message`, { user_message: 'Encore un mot.' }, []);
    expect(textOf(late.body)).toContain('Le centre d’instruction n’examine pas cette demande en ce moment');
  });
});
