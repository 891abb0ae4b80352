import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { signInAgent } from '../helpers/agents.ts';
import { createTestApp, TestClient, type TestApp } from '../helpers/app.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

/**
 * The authorization matrix: every route of the app (read from Fastify, so that a route added
 * without an entry here fails) × every role, on a resource of the demo individual (Camille
 * Martin). A cell that is not allowed must answer 401/403/404 or send to a sign-in page, and never
 * show the resource; the allowed cells of a GET answer a page.
 */

type Role =
  | 'anonymous'
  | 'individual'
  | 'driving_school'
  | 'cssr'
  | 'company'
  | 'professional'
  | 'town_hall'
  | 'agent_prefecture'
  | 'agent_operator'
  | 'agent_instruction'
  | 'agent_licence';

const USERS: Partial<Record<Role, string>> = {
  individual: 'demo.particulier@example.fr',
  driving_school: 'demo.auto-ecole@example.fr',
  cssr: 'demo.cssr@example.fr',
  company: 'demo.entreprise@example.fr',
  professional: 'demo.garage@example.fr',
  town_hall: 'demo.mairie@example.fr',
};
const AGENTS: Partial<Record<Role, string>> = {
  agent_prefecture: 'agent.prefecture@example.fr',
  agent_operator: 'agent.operateur@example.fr',
  agent_instruction: 'agent.cert@example.fr',
  agent_licence: 'agent.permis@example.fr',
};
const ROLES = ['anonymous', ...Object.keys(USERS), ...Object.keys(AGENTS)] as Role[];
const ACCOUNTS: Role[] = Object.keys(USERS) as Role[];

/** Who may use a route: everyone, every signed-in account, the owner of the resource, some agents, an equipped town hall. */
type Policy =
  | { kind: 'public' }
  | { kind: 'accounts' }
  | { kind: 'owner' }
  | { kind: 'agents'; roles: Role[] }
  | { kind: 'town_hall' }
  /** signed-in accounts of these profiles only (accounts/profiles.ts, decision 0032) */
  | { kind: 'profiles'; roles: Role[] };
const PUBLIC: Policy = { kind: 'public' };
const ACCOUNT: Policy = { kind: 'accounts' };
const OWNER: Policy = { kind: 'owner' };
const TOWN_HALL: Policy = { kind: 'town_hall' };
const agents = (...roles: Role[]): Policy => ({ kind: 'agents', roles });
const NOT_TOWN_HALL: Policy = { kind: 'profiles', roles: ['individual', 'professional', 'driving_school', 'cssr', 'company'] }; // the town hall is sent to its desk
const VEHICLES = NOT_TOWN_HALL;
const LICENCES: Policy = { kind: 'profiles', roles: ['individual', 'driving_school', 'company'] };
const PRE_APPLICATIONS: Policy = { kind: 'profiles', roles: ['individual'] };
const ANY_AGENT = agents('agent_prefecture', 'agent_operator', 'agent_instruction', 'agent_licence');
const OPERATOR = agents('agent_operator');

/** Every route of the app. A new route needs its line here. */
const POLICIES: Record<string, Policy> = {
  '/': PUBLIC,
  '/*': PUBLIC,
  '/assets/:file': PUBLIC,
  '/accessibilite': PUBLIC,
  '/activation/renvoyer': PUBLIC,
  '/activation/:token': PUBLIC,
  '/agents': ANY_AGENT,
  '/agents/connexion': PUBLIC,
  '/agents/connexion/code': PUBLIC,
  '/agents/connexion/enrolement': PUBLIC,
  '/agents/comptes': OPERATOR,
  '/agents/comptes/:id': OPERATOR,
  '/agents/comptes/:id/suspendre': OPERATOR,
  '/agents/comptes/:id/supprimer': OPERATOR,
  '/agents/comptes/:id/reactiver': OPERATOR,
  '/agents/deconnexion': ANY_AGENT,
  '/agents/demandes-de-contact': OPERATOR,
  '/agents/demandes-de-contact/:id': OPERATOR,
  '/agents/demandes-de-contact/:id/repondre': OPERATOR,
  '/agents/demandes-de-contact/:id/pieces/:file': OPERATOR,
  '/agents/habilitations': agents('agent_prefecture'),
  '/agents/habilitations/:id': agents('agent_prefecture'),
  '/agents/habilitations/:id/:action': agents('agent_prefecture'),
  '/agents/historique': OPERATOR,
  '/agents/maintenance': OPERATOR,
  '/agents/maintenance/nouveau': OPERATOR,
  '/agents/maintenance/:id/annuler': OPERATOR,
  '/agents/mairies/nouvelle': OPERATOR,
  '/agents/notifications': OPERATOR,
  '/agents/paiements-a-rembourser': OPERATOR,
  '/agents/paiements-a-rembourser/:id/rembourse': OPERATOR,
  '/agents/vehicules': agents('agent_instruction'),
  '/agents/vehicules/:file': agents('agent_instruction'),
  '/agents/vehicules/:file/prendre': agents('agent_instruction'),
  '/agents/vehicules/:file/pieces/:id': agents('agent_instruction'),
  '/agents/vehicules/:file/pieces/:id/examen': agents('agent_instruction'),
  '/agents/vehicules/:file/liberer': agents('agent_instruction'),
  '/agents/vehicules/:file/decision/:action': agents('agent_instruction'),
  '/agents/vehicules/:file/message': agents('agent_instruction'),
  '/agents/taxes': OPERATOR,
  '/agents/permis': agents('agent_licence'),
  '/agents/permis/:id': agents('agent_licence'),
  '/agents/permis/reactivation-neph': agents('agent_licence'),
  '/agents/timbres/remboursements': OPERATOR,
  '/agents/timbres/remboursements/:id': OPERATOR,
  '/agents/timbres/remboursements/:id/pieces/:aid': OPERATOR,
  '/agents/timbres/remboursements/:id/decision/:decision': OPERATOR,
  '/timbres/remboursements/nouvelle': ACCOUNT,
  '/permis/reactivation-neph': PUBLIC,
  '/agents/permis/:id/pieces/:aid': agents('agent_licence'),
  '/agents/permis/:id/pieces/:aid/examen': agents('agent_licence'),
  '/agents/permis/:id/prendre': agents('agent_licence'),
  '/agents/permis/:id/decision/:action': agents('agent_licence'),
  '/aide': PUBLIC,
  '/aide/reclamations': PUBLIC,
  '/aide/:slug': PUBLIC,
  '/metrics': PUBLIC,
  '/mentions-legales': PUBLIC,
  '/mot-de-passe-oublie': PUBLIC,
  '/mot-de-passe/nouveau/:token': PUBLIC,
  '/mot-de-passe/definir/:token': PUBLIC,
  '/mairie/qr-scan.js': PUBLIC,
  '/mairie/pre-demandes': TOWN_HALL,
  '/mairie/documentation': TOWN_HALL,
  '/mairie/pre-demandes/:number': TOWN_HALL,
  '/mairie/pre-demandes/:number/depot': TOWN_HALL,
  '/healthz': PUBLIC,
  '/habilitation-siv': PUBLIC, // a professional asks for SIV rights before having an account
  '/habilitation-siv/envoyee': PUBLIC,
  '/demarches/:slug': PUBLIC,
  '/deconnexion': ACCOUNT,
  '/deconnexion/retour': PUBLIC,
  '/dev/outbox': PUBLIC,
  '/dev/outbox/courriers/:id': PUBLIC,
  '/dev/outbox/:id': PUBLIC,
  '/dev/outbox/:id/html': PUBLIC,
  '/donnees-personnelles': PUBLIC,
  '/cgu': PUBLIC,
  '/cookies': PUBLIC,
  '/connexion': PUBLIC,
  '/connexion/franceconnect': PUBLIC,
  '/connexion/franceconnect/retour': PUBLIC,
  '/connexion/franceconnect/premiere-connexion': PUBLIC,
  '/connexion/franceconnect/lier': PUBLIC,
  '/connexion/franceconnect/lier/courriel': PUBLIC,
  '/connexion/franceconnect/lier/:token': PUBLIC,
  '/contact': PUBLIC,
  '/contact/envoye': PUBLIC,
  '/actualites': PUBLIC,
  '/actualites/flux.atom': PUBLIC,
  '/actualites/:slug': PUBLIC,
  '/agents/actualites': OPERATOR,
  '/agents/actualites/:id/publier': OPERATOR,
  '/agents/actualites/:id/retirer': OPERATOR,
  '/contact/demandes': ACCOUNT,
  '/contact/demandes/:reference': OWNER,
  '/contact/demandes/:reference/pieces/:id': OWNER,
  '/compte': ACCOUNT,
  '/compte/mot-de-passe': ACCOUNT,
  '/mes-demarches': NOT_TOWN_HALL,
  '/session/prolonger': ACCOUNT,
  '/verification/2d-doc': PUBLIC,
  '/agence': PUBLIC,
  '/formulaires-cerfa': PUBLIC,
  '/fermeture-du-portail': PUBLIC,
  '/2d-doc/certificats/:id': PUBLIC,
  '/compte/suppression': ACCOUNT,
  '/compte/notifications': ACCOUNT,
  '/compte/notifications/mobile': ACCOUNT,
  '/compte/historique': ACCOUNT,
  '/plan-du-site': PUBLIC,
  '/paiement-simule/:id': PUBLIC,
  '/paiement/retour': PUBLIC,
  '/paiement/notification': PUBLIC,
  '/paiement/notification/payfip': PUBLIC,
  '/permis': LICENCES,
  '/permis/verifier/:file/:sig': PUBLIC,
  '/permis/demandes/nouvelle': LICENCES,
  '/permis/demandes/:file': OWNER,
  '/permis/demandes/:file/supprimer': OWNER,
  '/permis/demandes/:file/documents/:kind': OWNER,
  '/permis/demandes/:file/pieces/:id': OWNER,
  '/permis/demandes/:file/etape/:step': OWNER,
  '/photo-signature/cabine-demo': PUBLIC,
  '/pre-demandes': PRE_APPLICATIONS,
  '/pre-demandes/nouvelle': PRE_APPLICATIONS,
  '/pre-demandes/:id': OWNER,
  '/pre-demandes/:id/recapitulatif.pdf': OWNER,
  '/pre-demandes/:id/valider': OWNER,
  '/pre-demandes/:id/:step': OWNER,
  '/inscription': PUBLIC,
  '/inscription/confirmation': PUBLIC,
  '/inscription/:slug': PUBLIC,
  '/fc-simulateur/interaction/:uid': PUBLIC,
  '/fc-simulateur/envoi-automatique.js': PUBLIC,
  '/verification/:token': PUBLIC,
  '/vehicules': VEHICLES,
  '/vehicules/demandes/nouvelle': VEHICLES,
  '/simulateur-taxes': PUBLIC,
  '/lieux': PUBLIC,
  '/lieux/autour-de-moi': PUBLIC,
  '/timbres': PUBLIC,
  '/timbres/acheter': PUBLIC,
  '/timbres/:id': PUBLIC,
  // the refund's page is the owner's (a stranger gets 404: test/integration/stamp-refunds.test.ts)
  '/timbres/remboursements/:reference': PUBLIC,
};
/** Routes under a vehicle procedure of the individual: all for the owner only. */
const VEHICLE_PROCEDURE = /^\/vehicules\/demandes\/:file(\/|$)/;
/** Routes the oidc-provider simulator and the static files mount under their own prefixes. */
const OWN_PREFIXES = [/^\/assets\//, /^\/fc-simulateur\//];

function policyOf(path: string): Policy | undefined {
  if (VEHICLE_PROCEDURE.test(path)) return OWNER;
  return POLICIES[path] ?? (OWN_PREFIXES.some((p) => p.test(path)) ? PUBLIC : undefined);
}

/** Fastify's route tree as "METHOD /path" lines (HEAD left out: it follows GET). */
export function routesOf(app: FastifyInstance): { method: string; path: string }[] {
  const routes: { method: string; path: string }[] = [];
  const stack: { depth: number; path: string }[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (.*?) \(([A-Z, ]+)\)$/.exec(line.replace(/\u00a0/g, ' '));
    if (!m) continue;
    const depth = m[1]!.length / 4;
    while (stack.length && stack[stack.length - 1]!.depth >= depth) stack.pop();
    const parent = stack[stack.length - 1]?.path ?? '';
    const segment = m[2]!;
    const path = parent === '/' || parent === '' ? (segment.startsWith('/') ? segment : `/${segment}`) : `${parent}${segment.startsWith('/') ? '' : '/'}${segment}`;
    stack.push({ depth, path });
    for (const method of m[3]!.split(', ')) if (method === 'GET' || method === 'POST') routes.push({ method, path });
  }
  return routes;
}

/** Refused: 401/403/404, or sent to a sign-in page (or an agent to the back office's home). */
const denied = (res: LightMyRequestResponse): boolean =>
  [401, 403, 404].includes(res.statusCode) ||
  (res.statusCode >= 300 && res.statusCode < 400 && /^\/(agents\/)?connexion(\?|$)|^\/agents$|^\/mairie\/pre-demandes$/.test(String(res.headers.location))); // the town hall sent to its desk
/** Refused for a reason of rights, not because this resource is not in a state to show that page. */
const forbidden = (res: LightMyRequestResponse): boolean => denied(res) && res.statusCode !== 404;

describe('authorization matrix: every route × every role, on a resource of another account', () => {
  let t: TestApp;
  const clients = {} as Record<Role, TestClient>;
  let params: Record<string, string>;
  let secrets: string[];

  beforeAll(async () => {
    t = await createTestApp();
    await t.database.reset();
    await seedDemoData(t.database.db, t.app.config);
    clients.anonymous = new TestClient(t.app);
    for (const [role, email] of Object.entries(USERS)) clients[role as Role] = await signInUser(t.app, email);
    for (const [role, email] of Object.entries(AGENTS)) clients[role as Role] = await signInAgent(new TestClient(t.app), email);

    // The individual's resources: a vehicle procedure, a licence request, a pre-application, a contact request.
    const owner = clients.individual;
    const vehicle = await postNewProcedure(owner, { kind: 'address_change', initiator: 'self', plate: 'AB-123-CD' });
    const file = /\/vehicules\/demandes\/([^/?]+)/.exec(String(vehicle.headers.location))![1]!;
    await owner.get('/permis/demandes/nouvelle');
    const licenceKey = /name="idempotency_key" value="([^"]+)"/.exec(owner.lastHtml)![1]!;
    const licence = await owner.post('/permis/demandes/nouvelle', { idempotency_key: licenceKey, reason: 'renewal', for_whom: 'self' });
    const licenceFile = /\/permis\/demandes\/([^/]+)\/etape/.exec(String(licence.headers.location))![1]!;
    const db = t.database.db;
    const account = await db.selectFrom('accounts').select('id').where('email', '=', USERS.individual!).executeTakeFirstOrThrow();
    const preApplication = await db.selectFrom('pre_applications').select('id').where('account_id', '=', account.id).executeTakeFirstOrThrow();
    await owner.get('/contact');
    const contactKey = /name="idempotency_key" value="([^"]*)"/.exec(owner.lastHtml)![1]!;
    const sent = await owner.postFiles('/contact', { idempotency_key: contactKey, topic: 'vehicle', subject: 'Étiquette non reçue', message: 'Je n’ai pas reçu l’étiquette.' }, []);
    const reference = String(sent.headers.location).split('/').pop()!;
    params = {
      file,
      id: String(preApplication.id),
      reference,
      step: 'etat-civil',
      kind: 'recapitulatif',
    };
    secrets = [file, licenceFile, reference];
    params.licenceFile = licenceFile;
  });
  afterAll(() => t.close());

  it('has an entry for every route of the app', () => {
    const missing = routesOf(t.app)
      .filter((r) => !policyOf(r.path))
      .map((r) => `${r.method} ${r.path}`);
    expect(missing).toEqual([]);
    expect(routesOf(t.app).length).toBeGreaterThan(150);
  });

  it('lets only the owner reach a resource, only the right agents reach the back office, and the town hall its desk', async () => {
    const failures: string[] = [];
    let cells = 0;
    let owned = 0;
    const routes = routesOf(t.app);
    for (const { method, path } of routes) {
      const policy = policyOf(path)!;
      if (policy.kind === 'public') continue;
      if (path === '/deconnexion' || path === '/agents/deconnexion') continue; // signing out is no one's resource
      // a concrete URL: the owner's resource in place of each parameter
      const url = path
        .replace(/^\/permis\/demandes\/:file/, `/permis/demandes/${params.licenceFile}`)
        .replace(/:(\w+)/g, (_, name: string) => params[name] ?? '1');
      for (const role of ROLES) {
        const allowed =
          policy.kind === 'accounts'
            ? ACCOUNTS.includes(role)
            : policy.kind === 'owner'
              ? role === 'individual'
              : policy.kind === 'town_hall'
                ? role === 'town_hall'
                : policy.roles.includes(role); // agents, or the profiles of a space
        // Allowed POSTs would change the owner's data: the matrix proves the refusals; the owner's
        // own POSTs are the procedures' tests.
        if (allowed && method === 'POST') continue;
        const client = clients[role];
        // a page with a form first, so that a POST carries the role's valid CSRF token
        if (method === 'POST') await client.get(role.startsWith('agent_') ? '/agents' : role === 'anonymous' ? '/contact' : '/compte');
        const token = /name="_csrf" value="([^"]+)"/.exec(client.lastHtml)?.[1] ?? null;
        const res = method === 'GET' ? await client.get(url) : await client.post(url, {}, { csrf: token });
        if (role === 'individual' && method === 'GET') owned++;
        cells++;
        if (res.statusCode >= 500) failures.push(`${role} ${method} ${url}: ${res.statusCode}`);
        // an allowed page of a resource may not exist in its current state (the sale page of an
        // address change): 404 there is no refusal; a page without parameter must answer
        else if (allowed && (path.includes(':') ? forbidden(res) : res.statusCode >= 400 || denied(res)))
          failures.push(`${role} ${method} ${url}: refused (${res.statusCode}) but allowed`);
        else if (!allowed && !denied(res)) failures.push(`${role} ${method} ${url}: ${res.statusCode} but not allowed`);
        else if (!allowed && secrets.some((s) => res.body.includes(s) && !url.includes(s)))
          failures.push(`${role} ${method} ${url}: shows the owner's file number`);
      }
    }
    console.info(`authorization matrix: ${routes.length} routes (GET/POST) × ${ROLES.length} roles, ${cells} refused or owned cells checked`);
    expect(failures).toEqual([]);
    expect(cells).toBeGreaterThan(500);
    expect(owned).toBeGreaterThan(20);
    expect(params.reference).toMatch(/^C\d{4}-[A-Z2-9]{6}$/);
  });
});
