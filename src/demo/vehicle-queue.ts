import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import { createVehicleInstruction } from '../domains/instruction/vehicle-instruction.ts';
import { enterCode } from '../domains/vehicles/confidential-code/service.ts';
import { createTpcService } from '../domains/vehicles/complementary/service.ts';
import { createDuplicateService } from '../domains/vehicles/duplicate/service.ts';
import { startProcedure } from '../domains/vehicles/procedures/start.ts';
import { prepareCommunes } from '../domains/vehicles/registry/communes.ts';
import { demoRegistry } from '../domains/vehicles/registry/demo-registry.ts';
import type { RegistryEntry } from '../domains/vehicles/registry/registry.ts';
import type { VehicleProcedure } from '../domains/vehicles/tables.ts';
import { createTaxService } from '../domains/vehicles/taxes/service.ts';
import { audit, SYSTEM, type Actor } from '../platform/audit.ts';
import type { Db } from '../platform/db/database.ts';
import type { Attachments } from '../platform/files/attachments.ts';
import type { Upload } from '../platform/files/validation.ts';
import type { JobHandler } from '../platform/jobs/worker.ts';
import type { Account, Agent } from '../schema.ts';
import { demoPdf, demoScanPng } from './demo-files.ts';
import { DEMO_QUEUE_FILLED } from './vehicle-queue-job.ts';

/**
 * The instruction centre's demo queue: six vehicle requests filed by the demo citizens, so that an
 * agent trying the back office (`agent.cert@example.fr`) has work to instruct. They carry files,
 * which live outside the database (DATA_DIR or S3), so they cannot be in the demo template that
 * `npm start` copies: a durable job files them once per database, after the portal listens.
 *
 * Every request goes through the domain services, as the demo citizens would do it from their
 * pages (start, confidential code, reason, pieces checked from their bytes, summary), and the
 * centre's decisions through the instruction service as agent.cert would. Each step looks at where
 * the request stands first: a job run again after a crash resumes each request where it stopped
 * (the start's idempotency key gives back the same request), and never files one twice.
 */
export { DEMO_QUEUE_FILLED, DEMO_QUEUE_JOB } from './vehicle-queue-job.ts';

const CERT_AGENT = 'agent.cert@example.fr';
/** The address recorded for agent.cert's decisions: made by the portal itself. */
const SEED_IP = '127.0.0.1';

interface Context {
  db: Db;
  /** aborted when the worker stops: the job ends at its next step (and resumes there when run again) */
  signal: AbortSignal | undefined;
  /** waits for a gap between the node's visitors (platform/http/quiet-watch.ts) before each step; none in tests */
  untilQuiet: (opts: { signal?: AbortSignal }) => Promise<void>;
  config: Config;
  duplicates: ReturnType<typeof createDuplicateService>;
  tpc: ReturnType<typeof createTpcService>;
  instruction: ReturnType<typeof createVehicleInstruction>;
  agent: Agent;
}

const upload = (field: string, filename: string, bytes: Buffer): Upload => ({ field, filename, bytes, truncated: false });
const userActor = (account: Account): Actor => ({ kind: 'user', id: account.id, ip: null });
const failed = (what: string, outcome: unknown): Error => new Error(`Démo, file du centre d’instruction : ${what} impossible (${JSON.stringify(outcome)})`);

async function accountOf(db: Db, email: string): Promise<Account> {
  return db.selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
}
/**
 * One turn of the event loop given back to the pages: the job's steps chain database answers that
 * may all resolve as promises (PGlite runs in this thread), so without it a whole request would be
 * filed in one long turn, which the waiting room reads as overload (loop-delay.ts).
 */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Thrown between two steps when the worker stops (SIGTERM): the job is released and resumes there. */
const stoppedMeanwhile = () => new Error('Démo, file du centre d’instruction : interrompue par l’arrêt du portail');

/** The request as it is now, after one turn given back to the pages (every step of the job ends here). */
const reload = async (ctx: Pick<Context, 'db' | 'signal' | 'untilQuiet'>, p: { id: number }) => {
  await nextTurn();
  await ctx.untilQuiet({ signal: ctx.signal });
  if (ctx.signal?.aborted) throw stoppedMeanwhile();
  const db = ctx.db;
  return db.selectFrom('vehicle_procedures').selectAll().where('id', '=', p.id).executeTakeFirstOrThrow();
};

/** Starts the request once: the same idempotency key gives back the same request on a second run. */
async function begin(ctx: Context, account: Account, key: string, input: Record<string, string>): Promise<VehicleProcedure> {
  const started = await startProcedure({ db: ctx.db }, account, { ...input, idempotency_key: key }, userActor(account));
  if (!started.ok) throw failed(`le début de la demande ${key}`, started.errors);
  return ctx.db.selectFrom('vehicle_procedures').selectAll().where('file_number', '=', started.value.fileNumber).executeTakeFirstOrThrow();
}

/** A duplicate after theft "pour quelqu'un d'autre" (confidential code), with the police report's receipt: to the centre. */
async function duplicateAfterTheft(ctx: Context, spec: { email: string; key: string; vehicle: RegistryEntry; report: Upload; comment: string }): Promise<VehicleProcedure> {
  const account = await accountOf(ctx.db, spec.email);
  let p = await begin(ctx, account, spec.key, { kind: 'duplicate', initiator: 'other', plate: spec.vehicle.plate });
  if (p.status === 'awaiting_code') {
    const entered = await enterCode({ db: ctx.db, config: ctx.config }, account, p.file_number, spec.vehicle.confidentialCode, userActor(account));
    if (!entered.ok) throw failed(`le code confidentiel de ${p.file_number}`, entered);
    p = await reload(ctx, p);
  }
  if (p.status === 'in_progress' && !ctx.duplicates.stateOf(p).reason) {
    const chosen = await ctx.duplicates.chooseReason(p, { reason: 'theft' });
    if (!chosen.ok) throw failed(`le motif de ${p.file_number}`, chosen.errors);
    p = await reload(ctx, p);
  }
  if (p.status === 'in_progress' && !(await ctx.duplicates.reports(p)).length) {
    const sent = await ctx.duplicates.sendReport(p, [spec.report], spec.comment, userActor(account));
    if (!sent.ok) throw failed(`l’envoi de ${p.file_number}`, sent.errors);
    p = await reload(ctx, p);
  }
  return p;
}

/** A complementary procedure (TPC) of a certified account, filled in part by part, its pieces sent, then submitted to the centre. */
async function complementary(
  ctx: Context,
  spec: { email: string; key: string; initiator: 'self' | 'other'; category: string; subcategory: string; object: Record<string, string>; holder: Record<string, string>; pieces: Upload[] },
): Promise<VehicleProcedure> {
  const account = await accountOf(ctx.db, spec.email);
  let p = await begin(ctx, account, spec.key, { kind: 'complementary', initiator: spec.initiator });
  if (p.status !== 'in_progress') return p;
  const step = async (what: string, outcome: Promise<{ ok: boolean; errors?: unknown }>) => {
    const done = await outcome;
    if (!done.ok) throw failed(`${what} de ${p.file_number}`, done.errors);
    p = await reload(ctx, p);
  };
  const state = ctx.tpc.stateOf(p);
  if (state.category !== spec.category) await step('la catégorie', ctx.tpc.chooseCategory(p, spec.category));
  if (ctx.tpc.stateOf(p).subcategory !== spec.subcategory) await step('la sous-catégorie', ctx.tpc.chooseSubcategory(p, spec.subcategory));
  if (!ctx.tpc.stateOf(p).object) await step('la partie 1', ctx.tpc.saveObject(p, spec.object));
  if (!ctx.tpc.stateOf(p).holder) await step('la partie 2', ctx.tpc.saveHolder(p, spec.holder));
  const sent = new Set((await ctx.tpc.pieces(p)).map((a) => a.purpose));
  const missing = spec.pieces.filter((piece) => !sent.has(piece.field.slice('piece_'.length)));
  if (missing.length) await step('les pièces', ctx.tpc.addPieces(p, missing));
  if (ctx.tpc.stateOf(p).step !== 'summary') await step('le récapitulatif', ctx.tpc.toSummary(p));
  await step('l’envoi', ctx.tpc.submit(p, userActor(account)));
  return p;
}

/** agent.cert takes the request (once: taking it again is a no-op for the same agent). */
async function take(ctx: Context, p: VehicleProcedure): Promise<VehicleProcedure> {
  if (p.assigned_agent_id === ctx.agent.id) return p;
  const taken = await ctx.instruction.take(ctx.agent, p.file_number, SEED_IP);
  if (!taken.ok) throw failed(`la prise de ${p.file_number}`, taken);
  return reload(ctx, p);
}

/**
 * agent.cert reviews each piece still pending (refusing those named, with their reason and note),
 * then asks for a complement with a note: the request is "À compléter". Done once: the decision's
 * note stays on the request after the user answers.
 */
async function askComplement(ctx: Context, p: VehicleProcedure, refuse: Record<string, { reason: string; note: string }>, note: string): Promise<VehicleProcedure> {
  if (p.status !== 'awaiting_review' || p.decision_note) return p;
  p = await take(ctx, p);
  for (const piece of await ctx.instruction.view(ctx.agent, p.file_number, SEED_IP).then((v) => (v.ok ? v.pieces : []))) {
    if (piece.review_status !== 'pending') continue;
    const refusal = refuse[piece.purpose];
    const form = refusal ? { decision: 'refused', reason: refusal.reason, note: refusal.note } : { decision: 'accepted' };
    const reviewed = await ctx.instruction.reviewPiece(ctx.agent, p.file_number, piece.id, form, SEED_IP);
    if (!reviewed.ok) throw failed(`l’examen d’une pièce de ${p.file_number}`, reviewed);
    await nextTurn();
  }
  const decided = await ctx.instruction.decide(ctx.agent, p.file_number, 'ask_complement', { note }, SEED_IP);
  if (!decided.ok) throw failed(`la demande de complément de ${p.file_number}`, decided);
  return reload(ctx, p);
}

/** The registry's generated vehicles the demo requests are about (never the six of the README, kept for trying the procedures). */
export function demoQueueVehicles() {
  const generated = demoRegistry({ individual: 0, legalEntity: 0 }).slice(6);
  const plain = (e: RegistryEntry) => e.plateKind === 'siv' && !e.encumbrances?.length && !e.longTermLease && !e.coHolders?.length;
  const people = generated.filter((e) => plain(e) && e.holder.kind === 'natural');
  const company = generated.find((e) => plain(e) && e.holder.kind === 'legal')!;
  return { people, company };
}

const sentence = (e: RegistryEntry) => (e.holder.kind === 'natural' ? `${e.holder.givenNames} ${e.holder.birthName}` : e.holder.companyName);

/** The six requests, in the order they are filed (the queue shows them oldest first). */
function demoRequests(): ((ctx: Context) => Promise<VehicleProcedure>)[] {
  const { people, company } = demoQueueVehicles();
  const [first, second, third, fourth] = people as [RegistryEntry, RegistryEntry, RegistryEntry, RegistryEntry];
  const receipt = (vehicle: RegistryEntry, where: string, day: string) =>
    demoPdf('Récépissé de déclaration de vol', [
      where,
      `Déclaration de vol du certificat d’immatriculation du véhicule ${vehicle.plate}`,
      `Titulaire : ${sentence(vehicle)}`,
      `Déclaration enregistrée le ${day}`,
      'Le présent récépissé vaut justificatif de la déclaration de vol.',
    ]);
  const mandate = (signed: boolean, client: string) =>
    demoPdf('Mandat d’immatriculation (cerfa n° 13757)', [
      `Je soussigné(e) ${client} donne mandat au Garage du Centre (démo), SIRET 356 000 000 49837,`,
      'pour effectuer en mon nom les formalités d’immatriculation de mon véhicule.',
      signed ? 'Fait à Paris, le 27/11/2026. Signature du mandant : ' + client : 'Fait à Paris, le 27/11/2026. Signature du mandant : (non signé)',
    ]);
  const holderOf = (e: RegistryEntry): Record<string, string> =>
    e.holder.kind === 'natural'
      ? { kind: 'natural', birth_name: e.holder.birthName, given_names: e.holder.givenNames, birth_date: e.holder.birthDate.split('-').reverse().join('/'), birth_place: e.holder.birthPlace, line1: e.address.line1, postcode: e.address.postcode, commune: e.address.commune }
      : { kind: 'legal', company_name: e.holder.companyName, siren: e.holder.siren, line1: e.address.line1, postcode: e.address.postcode, commune: e.address.commune };
  return [
    // 1. waiting for instruction: a theft duplicate sent by Camille Martin for a neighbour's car
    (ctx) =>
      duplicateAfterTheft(ctx, {
        email: 'demo.particulier@example.fr',
        key: 'demo-file-1',
        vehicle: first,
        report: upload('report', 'recepisse-vol.pdf', receipt(first, 'Commissariat de police du 11e arrondissement de Paris (démo)', '25/11/2026')),
        comment: `Je fais cette demande pour ma voisine, ${sentence(first)}, qui n’utilise pas Internet.`,
      }),
    // 2. urgent: a rental company's certificate stolen, sent by its garage, with a message saying why it is urgent
    (ctx) =>
      duplicateAfterTheft(ctx, {
        email: 'demo.garage@example.fr',
        key: 'demo-file-2',
        vehicle: company,
        report: upload('report', 'declaration-vol-certificat.pdf', receipt(company, 'Brigade de gendarmerie (démo)', '29/11/2026')),
        comment: `Urgent : le véhicule de notre client ${sentence(company)} est immobilisé depuis le vol de son certificat lors d’une effraction ; il est loué à partir du 4 décembre.`,
      }),
    // 3. a complement asked: the receipt sent is an unreadable photo, refused by agent.cert
    async (ctx) =>
      askComplement(
        ctx,
        await duplicateAfterTheft(ctx, {
          email: 'demo.particulier@example.fr',
          key: 'demo-file-3',
          vehicle: second,
          report: upload('report', 'photo-recepisse.png', demoScanPng({ blurred: true })),
          comment: `Demande faite pour une proche, ${sentence(second)}, qui n’a pas de compte.`,
        }),
        { police_report: { reason: 'illisible', note: 'La photo est trop pâle : le numéro de la déclaration ne se lit pas.' } },
        'Le récépissé de déclaration de vol envoyé est illisible. Joignez une copie nette (PDF ou photo bien éclairée) du récépissé remis par les services de police ou de gendarmerie.',
      ),
    // 4. answered after a complement: an unsigned mandate refused, the garage answers with the signed one
    async (ctx) => {
      const client = sentence(third);
      let p = await complementary(ctx, {
        email: 'demo.garage@example.fr',
        key: 'demo-file-4',
        initiator: 'other',
        category: 'correction',
        subcategory: 'holder_data',
        object: { object: `Le prénom du titulaire est mal orthographié sur le certificat : corriger en « ${third.holder.kind === 'natural' ? third.holder.givenNames : ''} ».`, plate: third.plate },
        holder: holderOf(third),
        pieces: [
          upload('piece_mandant_id', 'piece-identite-mandant.png', demoScanPng()),
          upload('piece_mandate_13757', 'mandat-13757.pdf', mandate(false, client)),
          upload('piece_correction_holder', 'acte-de-naissance.pdf', demoPdf('Extrait d’acte de naissance', [`Nom : ${third.holder.kind === 'natural' ? third.holder.birthName : ''}`, `Prénom(s) : ${client}`, 'Délivré par la mairie (démo)'])),
        ],
      });
      p = await askComplement(ctx, p, { mandate_13757: { reason: 'incomplet', note: 'Le mandat n’est pas signé par le mandant.' } }, 'Le mandat (cerfa n° 13757) n’est pas signé. Joignez le mandat signé par votre client.');
      if (p.status === 'to_complete') {
        const account = await accountOf(ctx.db, 'demo.garage@example.fr');
        const answered = await ctx.tpc.answer(p, [upload('piece_other', 'mandat-13757-signe.pdf', mandate(true, client))], 'Voici le mandat signé par notre client.', userActor(account));
        if (!answered.ok) throw failed(`la réponse à ${p.file_number}`, answered.errors);
        p = await reload(ctx, p);
      }
      return p;
    },
    // 5. waiting for instruction, no plate yet: the first registration of a new vehicle
    (ctx) =>
      complementary(ctx, {
        email: 'demo.garage@example.fr',
        key: 'demo-file-5',
        initiator: 'self',
        category: 'first_registration',
        subcategory: 'new_vehicle',
        object: { object: 'Immatriculation d’un véhicule utilitaire neuf acheté pour l’atelier du garage.' },
        holder: { kind: 'legal', company_name: 'GARAGE DU CENTRE', siren: '356000000', line1: '8 RUE DES ARTISANS', postcode: '75011', commune: 'PARIS' },
        pieces: [
          upload('piece_address_proof', 'justificatif-adresse.pdf', demoPdf('Avis de cotisation foncière des entreprises', ['Garage du Centre (démo)', '8 rue des Artisans, 75011 Paris', 'Année 2026'])),
          upload('piece_cerfa_13749', 'cerfa-13749.pdf', demoPdf('Demande d’immatriculation d’un véhicule neuf (cerfa n° 13749)', ['Demandeur : Garage du Centre (démo)', 'Véhicule : RENAULT TRAFIC, VIN VF1FL000000000001', 'Signé le 26/11/2026'])),
          upload('piece_sale_proof', 'facture.pdf', demoPdf('Facture de vente', ['Concession Renault (démo)', 'RENAULT TRAFIC neuf, VIN VF1FL000000000001', 'Montant : 32 400,00 € TTC'])),
          upload('piece_conformity', 'certificat-conformite.pdf', demoPdf('Certificat de conformité européen', ['RENAULT TRAFIC, réception CE e2*2007/46*0389', 'VIN VF1FL000000000001'])),
        ],
      }),
    // 6. being instructed: a technical change, taken by agent.cert
    async (ctx) =>
      take(
        ctx,
        await complementary(ctx, {
          email: 'demo.garage@example.fr',
          key: 'demo-file-6',
          initiator: 'other',
          category: 'vehicle_change',
          subcategory: 'technical',
          object: { object: 'Pose d’un dispositif d’attelage homologué : à inscrire sur le certificat.', plate: fourth.plate },
          holder: holderOf(fourth),
          pieces: [
            upload('piece_mandant_id', 'piece-identite.png', demoScanPng()),
            upload('piece_mandate_13757', 'mandat.pdf', mandate(true, sentence(fourth))),
            upload('piece_technical_change', 'attestation-montage.pdf', demoPdf('Attestation de montage d’un attelage', [`Véhicule ${fourth.plate}`, 'Attelage homologué, pose le 20/11/2026', `Garage du Centre (démo), pour ${sentence(fourth)}`])),
          ],
        }),
      ),
  ];
}

/**
 * The job: files the six requests, letting the event loop serve pages between two of them, then
 * writes one audit row naming them (once, even when the job is run again).
 */
export function createDemoQueueHandler(deps: {
  db: Db;
  config: Config;
  attachments: Attachments;
  log?: FastifyBaseLogger;
  pauseMs?: number;
  /** waits for a gap between the node's visitors before each step (the server's); without it, no wait */
  untilQuiet?: (opts: { signal?: AbortSignal }) => Promise<void>;
}): JobHandler {
  const { db, config, attachments } = deps;
  return async (_payload, job) => {
    const agent = await db.selectFrom('agents').selectAll().where('email', '=', CERT_AGENT).executeTakeFirst();
    if (!agent) return; // a database without the demo data: nothing to file for
    const taxes = createTaxService(db);
    const ctx: Context = {
      db,
      signal: job?.signal,
      untilQuiet: deps.untilQuiet ?? (async () => undefined),
      config,
      agent,
      duplicates: createDuplicateService({ db, config, taxes, attachments }),
      tpc: createTpcService({ db, config, attachments, taxes }),
      instruction: createVehicleInstruction({ db, config, attachments }),
    };
    const filed: string[] = [];
    const started = performance.now();
    // the postcode index built off the event loop, before the first address the job checks
    await prepareCommunes();
    for (const file of demoRequests()) {
      await ctx.untilQuiet({ signal: ctx.signal });
      if (ctx.signal?.aborted) throw stoppedMeanwhile();
      filed.push((await file(ctx)).file_number);
      await sleep(deps.pauseMs ?? 50); // the pages first: the next request a little later
    }
    const recorded = await db.selectFrom('audit_events').select('id').where('action', '=', DEMO_QUEUE_FILLED).executeTakeFirst();
    if (!recorded) await audit(db, SYSTEM, DEMO_QUEUE_FILLED, null, { file_numbers: filed });
    deps.log?.info({ filed, ms: Math.round(performance.now() - started) }, 'données de démonstration : demandes déposées dans la file du centre d’instruction');
  };
}
