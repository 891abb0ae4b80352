/**
 * `npm run screenshots`: the portal started as the browser tests start it (demo data, the fixed test
 * clock), pages photographed by the tests' Chromium, PNGs written to docs/screenshots/.
 * `npm run screenshots -- header` takes only the shots whose name contains "header".
 */
import '../setup/clock.ts';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { seedDemoData } from '../../src/demo/seed.ts';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { MOBILE, startE2E, type E2E } from '../helpers/browser.ts';
import { signInUserInBrowser } from '../helpers/users.ts';

const OUT = path.resolve('docs/screenshots');
const DESKTOP = { viewport: { width: 1280, height: 900 } } as const;

interface Shot {
  name: string;
  what: string;
  take(e2e: E2E): Promise<Page>;
}

/** A page with patient timeouts: the shots may be taken on a loaded machine. */
async function newPage(e2e: E2E, opts: Parameters<E2E['newPage']>[0]): Promise<Page> {
  const page = await e2e.newPage(opts);
  page.setDefaultTimeout(30_000);
  return page;
}

async function signedIn(e2e: E2E, opts: typeof MOBILE | typeof DESKTOP, email = 'demo.particulier@example.fr'): Promise<Page> {
  const page = await newPage(e2e, opts);
  await signInUserInBrowser(page, e2e.baseUrl, email);
  return page;
}

const SHOTS: Shot[] = [
  {
    name: 'home-1280',
    what: 'home page at 1280 px',
    async take(e2e) {
      const page = await newPage(e2e, DESKTOP);
      await page.goto(`${e2e.baseUrl}/`);
      return page;
    },
  },
  {
    name: 'home-375',
    what: 'home page at 375 px',
    async take(e2e) {
      const page = await newPage(e2e, MOBILE);
      await page.goto(`${e2e.baseUrl}/`);
      return page;
    },
  },
  {
    name: 'header-375-closed',
    what: 'signed-in mobile header at 375 px, menu closed',
    async take(e2e) {
      const page = await signedIn(e2e, MOBILE);
      await page.goto(`${e2e.baseUrl}/compte`);
      return page;
    },
  },
  {
    name: 'header-375-open',
    what: 'signed-in mobile header at 375 px, menu opened with the "Menu" button',
    async take(e2e) {
      const page = await signedIn(e2e, MOBILE);
      await page.goto(`${e2e.baseUrl}/compte`);
      await page.getByRole('button', { name: 'Menu' }).click();
      await page.locator('#menu-principal.fr-modal--opened').waitFor();
      await page.waitForTimeout(400); // DSFR's opening transition
      return page;
    },
  },
  {
    name: 'header-375-nojs-open',
    what: 'mobile header at 375 px without JavaScript, menu opened by the "Menu" link',
    async take(e2e) {
      const page = await newPage(e2e, { ...MOBILE, javaScriptEnabled: false });
      await signInUserInBrowser(page, e2e.baseUrl, 'demo.particulier@example.fr');
      await page.goto(`${e2e.baseUrl}/compte`);
      await page.locator('header').getByRole('link', { name: 'Menu', exact: true }).click();
      return page;
    },
  },
  {
    name: 'timeline-1280',
    what: 'a duplicate request started by Camille Martin, its page and timeline, at 1280 px',
    async take(e2e) {
      const page = await signedIn(e2e, DESKTOP);
      await page.goto(`${e2e.baseUrl}/vehicules/demandes/nouvelle`);
      await page.getByText('Demande de duplicata').click();
      await page.getByText('Pour moi-même').click();
      await page.getByLabel('Numéro d’immatriculation').fill('AB-123-CD');
      await page.getByRole('button', { name: 'Commencer la démarche' }).click();
      await page.getByLabel('Code confidentiel').fill(DEMO_VEHICLE_CODES['AB-123-CD']);
      await page.getByRole('button', { name: 'Valider le code' }).click();
      await page.locator('main').getByText('Historique de la demande').first().waitFor();
      return page;
    },
  },
  {
    name: 'my-requests-1280',
    what: '"Mes démarches" at 1280 px (after the request above)',
    async take(e2e) {
      const page = await signedIn(e2e, DESKTOP);
      const res = await page.goto(`${e2e.baseUrl}/mes-demarches`);
      if (!res?.ok()) throw new Error(`/mes-demarches answered ${res?.status()}`);
      return page;
    },
  },
  {
    name: 'my-requests-375',
    what: '"Mes démarches" at 375 px',
    async take(e2e) {
      const page = await signedIn(e2e, MOBILE);
      await page.goto(`${e2e.baseUrl}/mes-demarches`);
      return page;
    },
  },
];

async function main() {
  const only = process.argv[2];
  mkdirSync(OUT, { recursive: true });
  const e2e = await startE2E();
  let failed = 0;
  try {
    await seedDemoData(e2e.database.db, e2e.app.config);
    for (const shot of SHOTS.filter((s) => !only || s.name.includes(only))) {
      try {
        const page = await shot.take(e2e);
        const file = path.join(OUT, `${shot.name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        await page.context().close();
        console.log(`${file}  ${shot.what}`);
      } catch (error) {
        failed++;
        console.error(`${shot.name}: not taken (${(error as Error).message.split('\n')[0]})`);
      }
    }
  } finally {
    await e2e.close();
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
