import { sql } from 'kysely';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { signInAgentInBrowser } from '../helpers/agents.ts';
import { MOBILE } from '../helpers/browser.ts';
import { pageChecks, useE2E } from '../helpers/e2e.ts';
import { pdfText } from '../helpers/pdf.ts';
import { signInUserInBrowser } from '../helpers/users.ts';

const FIXTURES = path.resolve('test/fixtures');
/** The size a download link states, in Ko: « … (PDF – 45 Ko) ». */
const statedKo = (text: string | null): number => Number(/\(PDF – (\d+) Ko\)/.exec(text ?? '')?.[1] ?? Number.NaN);

describe('duplicate and complementary procedure in Chromium, JavaScript off, 375 px, with the instruction centre', () => {
  const e2e = useE2E();

  async function startDuplicate(page: Page, plate: keyof typeof DEMO_VEHICLE_CODES) {
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.particulier@example.fr');
    await page.goto(`${e2e.baseUrl}/vehicules/demandes/nouvelle`);
    await page.locator('label', { hasText: 'Demande de duplicata' }).first().click();
    await page.getByText('Pour moi-même').click();
    await page.getByLabel('Numéro d’immatriculation').fill(plate);
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();
    await page.getByLabel('Code confidentiel').fill(DEMO_VEHICLE_CODES[plate]);
    await page.getByRole('button', { name: 'Valider le code' }).click();
    await page.getByRole('link', { name: 'Continuer la demande de duplicata' }).click();
    await pageChecks(page);
  }

  async function pay(page: Page, card: string, expected: string) {
    await page.getByRole('button', { name: 'Payer par carte bancaire' }).click();
    await page.getByLabel('Numéro de la carte').fill(card);
    await page.getByLabel('Date d’expiration').fill('12/30');
    await page.getByLabel('Cryptogramme').fill('123');
    await page.getByRole('button', { name: 'Valider' }).click();
    await page.getByRole('link', { name: /^(Cliquer ici pour enregistrer votre paiement|Revenir sur le portail)$/ }).click();
    expect(await page.locator('main').textContent()).toContain(expected);
  }

  it('after a loss: declared, a declined card then a good one charges once, the CPI downloads', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await startDuplicate(page, 'VW-654-XY');
    await page.getByText('Suite à la perte de ma carte grise').click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(await page.locator('#error-summary').textContent()).toContain('Cochez la case pour faire la déclaration sur l’honneur');
    await pageChecks(page);
    await page.getByText(/je fais la déclaration sur l’honneur/).click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(await page.locator('main').textContent()).toContain('Montant à payer');
    await page.locator('summary', { hasText: 'Détail des taxes' }).click();
    await pageChecks(page);
    await page.getByText(/J’accepte les conditions légales d’utilisation/).click();
    await page.getByRole('button', { name: 'Valider la demande' }).click();
    await pageChecks(page);
    await pay(page, '4000 0000 0000 0002', 'Le paiement a été refusé par la banque');
    await pay(page, '4242 4242 4242 4242', 'Demande de duplicata terminée');
    await pageChecks(page);
    const cpiLink = page.getByRole('link', { name: /^Certificat provisoire d’immatriculation \(PDF – \d+ Ko\)$/ });
    const cpi = await page.request.get(`${e2e.baseUrl}${await cpiLink.getAttribute('href')}`);
    expect(cpi.headers()['content-type']).toBe('application/pdf');
    expect(Math.abs(statedKo(await cpiLink.textContent()) - (await cpi.body()).length / 1024), 'the size stated is the download’s').toBeLessThanOrEqual(1);
    expect(pdfText(await cpi.body())).toContain('VW-654-XY');
    const recap = await page.getByRole('link', { name: /^Récapitulatif de la demande \(PDF – \d+ Ko\)$/ }).getAttribute('href');
    expect(pdfText(await (await page.request.get(`${e2e.baseUrl}${recap}`)).body())).toContain('Motif : Perte');
    const charged = await e2e.database.db.selectFrom('payments').select('status').where('status', '=', 'success').execute();
    expect(charged).toHaveLength(1);
    await page.context().close();
  });

  it('after a theft already recorded in the registry: no report to send, the CSA downloads, paid at once', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await startDuplicate(page, '1234 AB 75');
    await page.getByText('Suite au vol de ma carte grise').click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    const summary = await page.locator('main').textContent();
    expect(summary).toContain('Le vol de votre certificat est déjà enregistré au système d’immatriculation des véhicules depuis le 20/11/2026');
    expect(summary).toContain('Montant à payer');
    await pageChecks(page);
    await page.getByText(/J’accepte les conditions légales d’utilisation/).click();
    await page.getByRole('button', { name: 'Valider la demande' }).click();
    await pageChecks(page);
    const csaLink = page.getByRole('link', { name: /^Certificat de situation administrative \(PDF – \d+ Ko\)$/ });
    const csa = await page.request.get(`${e2e.baseUrl}${await csaLink.getAttribute('href')}`);
    expect(csa.headers()['content-type']).toBe('application/pdf');
    expect(Math.abs(statedKo(await csaLink.textContent()) - (await csa.body()).length / 1024), 'the size stated is the download’s').toBeLessThanOrEqual(1);
    expect(pdfText(await csa.body())).toContain('enregistré au système d’immatriculation des véhicules depuis le 20/11/2026');
    await pay(page, '4242 4242 4242 4242', 'Demande de duplicata terminée');
    await pageChecks(page);
    expect(await e2e.database.db.selectFrom('attachments').select('id').execute()).toHaveLength(0);
    await page.context().close();
  });

  it('after a theft: the report is refused with a note, sent again from the basket, accepted, then paid; each step is emailed; the audit chain holds', async () => {
    const user = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await startDuplicate(user, 'AB-123-CD');
    await user.getByText('Suite au vol de ma carte grise').click();
    await user.getByRole('button', { name: 'Poursuivre' }).click();
    await pageChecks(user);
    // a wrong file first: refused with the reason, the message kept
    await user.getByLabel('Message pour le centre d’instruction (facultatif)').fill('Volée le 3 novembre, plainte déposée à Paris 11e.');
    await user.getByLabel('Récépissé de déclaration de vol').setInputFiles(path.join(FIXTURES, 'not-a-pdf.pdf'));
    await user.getByRole('button', { name: 'Valider et envoyer au centre d’instruction' }).click();
    expect(await user.locator('#error-summary').textContent()).toContain('n’est pas au format JPG, PNG, BMP, TIFF ou PDF');
    expect(await user.getByLabel('Message pour le centre d’instruction (facultatif)').inputValue()).toBe('Volée le 3 novembre, plainte déposée à Paris 11e.');
    await pageChecks(user);
    await user.getByLabel('Récépissé de déclaration de vol').setInputFiles(path.join(FIXTURES, 'recepisse-vol.pdf'));
    await user.getByRole('button', { name: 'Valider et envoyer au centre d’instruction' }).click();
    expect(await user.locator('main').textContent()).toContain('Demande en attente de contrôle');
    await pageChecks(user);
    const file = (await user.locator('nav[aria-label] li').last().textContent())!.match(/V\d{2}-[A-Z0-9]{8}/)![0];

    // the instruction centre refuses the report (unreadable) and asks for a complement
    const agent = await e2e.newPage({ javaScriptEnabled: false });
    await signInAgentInBrowser(agent, e2e.baseUrl, 'agent.cert@example.fr');
    await agent.getByRole('link', { name: 'Demandes véhicules en attente de contrôle' }).click();
    await pageChecks(agent);
    await agent.getByRole('link', { name: file }).click();
    await agent.getByRole('button', { name: 'Prendre la demande' }).click();
    await pageChecks(agent);
    await agent.getByText('Refuser la pièce').click();
    await agent.getByLabel('Motif du refus').selectOption('illisible');
    await agent.getByLabel('Précision (montrée à l’usager)').fill('Le tampon du commissariat est illisible.');
    await agent.getByRole('button', { name: 'Enregistrer l’examen' }).click();
    await agent.getByLabel('Note à l’usager : ce qu’il doit compléter').fill('Merci de renvoyer un récépissé lisible, tampon compris.');
    await agent.getByRole('button', { name: 'Demander un complément' }).click();
    expect(await agent.locator('main').textContent()).toContain('À compléter');
    await pageChecks(agent);

    // the user resumes from the basket, reads the note, answers with a new scan
    await user.goto(`${e2e.baseUrl}/vehicules`);
    expect(await user.locator('main').textContent()).toContain('1 message non lu');
    await pageChecks(user);
    await user.getByRole('link', { name: file }).click();
    await user.getByRole('link', { name: 'Répondre au centre d’instruction' }).click();
    const note = await user.locator('main').textContent();
    expect(note).toContain('Merci de renvoyer un récépissé lisible, tampon compris.');
    expect(note).toContain('Document illisible — Le tampon du commissariat est illisible.');
    await pageChecks(user);
    await user.getByLabel('Votre réponse').fill('Voici un nouveau scan, en couleur.');
    await user.getByLabel(/Nouveau récépissé de déclaration de vol/).setInputFiles(path.join(FIXTURES, 'scan.png'));
    await user.getByRole('button', { name: 'Envoyer' }).click();
    expect(await user.locator('main').textContent()).toContain('Demande en attente de contrôle');

    // the centre accepts the new piece and validates
    await agent.goto(`${e2e.baseUrl}/agents/vehicules/${file}`);
    expect(await agent.locator('main').textContent()).toContain('Voici un nouveau scan, en couleur.');
    await agent.getByRole('button', { name: 'Prendre la demande' }).click();
    await agent.getByText('Accepter la pièce').click();
    await agent.getByRole('button', { name: 'Enregistrer l’examen' }).click();
    await agent.getByRole('button', { name: 'Valider les pièces (l’usager finalise et paie)' }).click();
    expect(await agent.locator('main').textContent()).toContain('La décision est enregistrée');
    await pageChecks(agent);

    // the user finalises and pays
    await user.goto(`${e2e.baseUrl}/vehicules/demandes/${file}/duplicata`);
    expect(await user.locator('main').textContent()).toContain('Le centre d’instruction a accepté votre déclaration de vol');
    await user.getByText(/J’accepte les conditions légales d’utilisation/).click();
    await user.getByRole('button', { name: 'Valider la demande' }).click();
    await pay(user, '4242 4242 4242 4242', 'Demande de duplicata terminée');

    // the outbox shows each notification
    await e2e.app.worker.drain();
    await user.goto(`${e2e.baseUrl}/dev/outbox`);
    const outbox = await user.locator('main').textContent();
    for (const subject of ['Votre demande est transmise au centre d’instruction', 'Votre demande est à compléter', 'Votre réponse est transmise au centre d’instruction', 'Vos pièces sont validées', 'Votre demande est terminée'])
      expect(outbox).toContain(subject);

    // the audit chain verifies; altering one row breaks it
    expect(await verifyAuditChain(e2e.database.db)).toMatchObject({ ok: true });
    await sql`update audit_events set details = '{"note": "réécrite"}'::jsonb where action = 'vehicle_procedure.ask_complement'`.execute(e2e.database.db);
    expect(await verifyAuditChain(e2e.database.db)).toMatchObject({ ok: false });
    // the refused file's page answers 400 on purpose (the form comes back with its error)
    expect(user.consoleErrors.filter((e) => !e.includes('status of 400'))).toEqual([]);
    await user.context().close();
    await agent.context().close();
  });

  it('a complementary procedure (TPC) with its pieces reaches the instruction centre’s queue', async () => {
    const page = await e2e.newPage({ ...MOBILE, javaScriptEnabled: false });
    await signInUserInBrowser(page, e2e.baseUrl, 'demo.garage@example.fr');
    await page.goto(`${e2e.baseUrl}/vehicules/demandes/nouvelle`);
    await page.locator('label', { hasText: 'Téléprocédure complémentaire' }).first().click();
    await page.getByText('Pour moi-même').click();
    await page.getByRole('button', { name: 'Commencer la démarche' }).click();
    await pageChecks(page);
    await page.getByText('Signaler un changement sur la situation de mon véhicule').click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.getByText('Modification technique du véhicule').click();
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await page.getByLabel('Objet de la demande').fill('Pose d’un attelage : mise à jour du poids total roulant autorisé.');
    await page.getByLabel('Numéro d’immatriculation du véhicule').fill('GH-456-JK');
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    await pageChecks(page);
    await page.getByText('Une personne morale (société, association…)').click();
    await page.getByLabel('Raison sociale').fill('Garage du Centre (démo)');
    await page.getByLabel('Numéro SIREN').fill('356000000');
    await page.getByLabel('Numéro et voie').fill('5 rue du Moulin');
    await page.getByLabel('Code postal').fill('35000');
    await page.getByLabel('Commune', { exact: true }).fill('Rennes');
    await page.getByRole('button', { name: 'Poursuivre' }).click();
    expect(await page.locator('main').textContent()).toContain('Pièce justificative de la modification technique du véhicule');
    await pageChecks(page);
    await page.getByRole('button', { name: 'Poursuivre vers le récapitulatif' }).click();
    expect(await page.locator('#error-summary').textContent()).toContain('Joignez : pièce justificative de la modification technique du véhicule');
    await pageChecks(page);
    await page.getByLabel('Pièce justificative de la modification technique du véhicule').setInputFiles(path.join(FIXTURES, 'recepisse-vol.pdf'));
    await page.getByRole('button', { name: 'Joindre les fichiers' }).click();
    expect(await page.locator('main').textContent()).toContain('recepisse-vol.pdf');
    await page.getByRole('button', { name: 'Poursuivre vers le récapitulatif' }).click();
    expect(await page.locator('main').textContent()).toContain('Pose d’un attelage');
    await pageChecks(page);
    await page.getByText(/J’accepte les conditions légales d’utilisation/).click();
    await page.getByRole('button', { name: 'Valider la demande' }).click();
    expect(await page.locator('main').textContent()).toContain('Demande transmise au centre d’instruction');
    await pageChecks(page);
    const file = (await page.locator('nav[aria-label] li').last().textContent())!.match(/V\d{2}-[A-Z0-9]{8}/)![0];

    const agent = await e2e.newPage({ javaScriptEnabled: false });
    await signInAgentInBrowser(agent, e2e.baseUrl, 'agent.cert@example.fr');
    await agent.goto(`${e2e.baseUrl}/agents/vehicules?demarche=complementary`);
    expect(await agent.locator('main').textContent()).toContain(file);
    await agent.getByRole('link', { name: file }).click();
    const view = await agent.locator('main').textContent();
    expect(view).toContain('Modification technique du véhicule');
    expect(view).toContain('GH-456-JK');
    await pageChecks(agent);
    await page.context().close();
    await agent.context().close();
  });
});
