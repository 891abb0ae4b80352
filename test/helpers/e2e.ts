import type { FastifyInstance } from 'fastify';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { axeViolations, hasHorizontalScroll, javaScriptOff, replayedAxe, startE2E, type E2E } from './browser.ts';

export interface UseE2EOptions {
  /**
   * Environment of the app (as in the process's env), on top of the test configuration; as a
   * function, read when the app starts (after the file's earlier beforeAll hooks: a test double's URL).
   */
  env?: Record<string, string> | (() => Record<string, string>);
  /** Runs before the app is ready (extra routes of a test double, say). */
  extend?: (app: FastifyInstance) => void | Promise<void>;
  /**
   * The demo data: given once for the file (default), again on an emptied database before each
   * test ('each-test'), or not at all ('none': the file needs no account).
   */
  seed?: 'once' | 'each-test' | 'none';
}

/**
 * The frame of a browser test file: the real app on a fresh database of its own and a headless
 * Chromium, started before the file's first test and closed after its last. The object returned is
 * usable inside tests and hooks (not at the file's top level, before the app is started).
 */
export function useE2E(options: UseE2EOptions = {}): E2E {
  let started: E2E | undefined;
  beforeAll(async () => {
    started = await startE2E(typeof options.env === 'function' ? options.env() : options.env, options.extend);
    if (options.seed === undefined || options.seed === 'once') await seedDemoData(started.database.db, started.app.config);
  });
  afterAll(() => started?.close());
  if (options.seed === 'each-test')
    beforeEach(async () => {
      await started!.database.reset();
      await seedDemoData(started!.database.db, started!.app.config);
    });
  return new Proxy({} as E2E, {
    get(_, key) {
      if (!started) throw new Error('useE2E(): the app and the browser start before the first test, use them inside a test or a hook');
      const value: unknown = Reflect.get(started, key);
      return typeof value === 'function' ? value.bind(started) : value;
    },
  });
}

/**
 * What every page a browser test visits must pass, at its current viewport (375 px, 1280 px):
 * axe finds no violation (WCAG 2.1 A/AA and best practices) and the page does not scroll sideways.
 * A problem is a soft failure naming the page: the test goes on, and fails at its end with the
 * list of the pages and their problems.
 */
export async function pageChecks(page: Page): Promise<void> {
  const problems = await pageProblems(page);
  expect.soft(problems, `accessibility and layout of ${page.url()} at ${page.viewportSize()?.width} px`).toEqual([]);
}

/**
 * The problems pageChecks reports: axe's violations, and "sideways scroll" with what sticks out.
 * With JavaScript off, axe (which needs it) reads the same HTML replayed in a page with JavaScript;
 * with JavaScript on, the live page as it is (an opened menu, a shown warning).
 */
export async function pageProblems(page: Page): Promise<string[]> {
  // after a click that posts a form, the next page may not be there yet: wait for a document of ours
  await page.locator('html[lang] main').first().waitFor({ state: 'attached' });
  const problems = javaScriptOff.has(page) ? await replayedAxe(page) : await axeViolations(page);
  if (await hasHorizontalScroll(page)) problems.push(`sideways scroll: ${await widerThanTheScreen(page)}`);
  return problems;
}

/** What sticks out of the screen, to say why a page scrolls sideways: the first elements and the document's widths. */
function widerThanTheScreen(page: Page): Promise<string> {
  return page.evaluate(
    () =>
      [...document.querySelectorAll('body *')]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 || e.getBoundingClientRect().left < -1 || e.scrollWidth > e.clientWidth + 1)
        .slice(0, 8)
        .map((e) => `${e.tagName}.${e.className} [${Math.round(e.getBoundingClientRect().left)},${Math.round(e.getBoundingClientRect().right)} sw=${e.scrollWidth} cw=${e.clientWidth}]`)
        .join(' ') + ` doc sw=${document.documentElement.scrollWidth} cw=${document.documentElement.clientWidth}`,
  );
}
