import { AxeBuilder } from '@axe-core/playwright';
import sparticuz from '@sparticuz/chromium';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { createTestApp, type TestApp } from './app.ts';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** The Chromium of `@sparticuz/chromium` (unpacked by test/setup/chromium.ts), or CHROMIUM_PATH. */
const chromiumPath = async (): Promise<string> => process.env.CHROMIUM_PATH || (await sparticuz.executablePath());

export interface E2E extends TestApp {
  baseUrl: string;
  browser: Browser;
  /** A new page in a fresh context; JavaScript on unless said otherwise. Console errors are collected. */
  newPage(opts?: BrowserContextOptions): Promise<Page & { consoleErrors: string[] }>;
}

/** Starts the real app on a free loopback port and a headless Chromium; `extend` runs before the app is ready. */
export async function startE2E(
  env: Record<string, string> = {},
  extend?: (app: FastifyInstance) => void | Promise<void>,
): Promise<E2E> {
  const port = await freePort();
  // PUBLIC_URL is the real address, so that links in emails and OIDC redirects work in the browser.
  const testApp = await createTestApp({ PUBLIC_URL: `http://127.0.0.1:${port}`, PORT: String(port), ...env }, extend);
  await testApp.app.listen({ host: '127.0.0.1', port });
  const browser = await chromium.launch({
    executablePath: await chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
  return {
    ...testApp,
    baseUrl: `http://127.0.0.1:${port}`,
    browser,
    async newPage(opts = {}) {
      const context = await browser.newContext({ locale: 'fr-FR', ...opts });
      // A missing element still fails, naming its locator, after 20 s: a click's time includes the
      // navigation it starts, and a page that draws PDFs to state their size took over 5 s on a loaded
      // machine (Playwright's own default is no limit at all).
      context.setDefaultTimeout(20_000);
      const page = (await context.newPage()) as Page & { consoleErrors: string[] };
      if (opts.javaScriptEnabled === false) javaScriptOff.add(page);
      page.consoleErrors = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') page.consoleErrors.push(msg.text());
      });
      page.on('pageerror', (err) => page.consoleErrors.push(err.message));
      return page;
    },
    async close() {
      await browser.close();
      await testApp.close();
    },
  };
}

/** Pages opened by E2E.newPage with JavaScript off (axe, which needs it, reads a replay of them: pageChecks). */
export const javaScriptOff = new WeakSet<Page>();

/**
 * axe on what `page` shows now, even with JavaScript off there (axe needs it): the same HTML,
 * at the same URL, is replayed in a JavaScript-enabled page of the same browser, same viewport.
 */
export async function replayedAxe(page: Page): Promise<string[]> {
  // after a click that posts a form, the next page may not be there yet: wait for a document of ours
  await page.locator('html[lang] main').first().waitFor({ state: 'attached' });
  const [html, url] = [await page.content(), page.url()];
  const context = await page.context().browser()!.newContext({ locale: 'fr-FR', viewport: page.viewportSize() ?? undefined });
  try {
    const replay = await context.newPage();
    await replay.route(url, (route) => route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' }));
    await replay.goto(url);
    return await axeViolations(replay);
  } finally {
    await context.close();
  }
}

/** axe-core on the current page (WCAG 2.1 A/AA rules and best practices); returns readable violations. */
export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`,
  );
}

/** True when the page scrolls sideways at the current viewport width. */
export async function hasHorizontalScroll(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
}

export const MOBILE = { viewport: { width: 375, height: 740 } } as const;
