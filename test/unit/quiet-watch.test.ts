import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { watchQuiet } from '../../src/platform/http/quiet-watch.ts';

/**
 * The demo queue's job waits for a gap between the node's visitors before each step (issue 20):
 * its wait ends only once no visitor asked anything for the quiet period; probes do not count.
 */
describe('waiting for a gap between visitors', () => {
  it('waits while visitors keep asking, ends once they leave the node alone; /healthz and assets do not count', async () => {
    const app = Fastify();
    app.get('/connexion', async () => 'page');
    app.get('/healthz', async () => 'ok');
    // a quiet period long against the visitors' 100 ms, so that a loaded machine's late timers do not end it early
    const quiet = watchQuiet(app, 1000); // added after the routes, as in app.ts
    await app.ready();
    const started = performance.now();
    let waitedUntil = 0;
    // no visitor yet: at once
    await quiet.untilQuiet();
    expect(performance.now() - started).toBeLessThan(100);
    await app.inject('/connexion');
    const waiting = quiet.untilQuiet().then(() => (waitedUntil = performance.now()));
    // a visitor every 100 ms for 800 ms: still waiting; the probe's requests after that do not hold it
    let lastVisitor = 0;
    for (let i = 0; i < 8; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      lastVisitor = performance.now(); // the visitor's request is seen after this instant
      await app.inject('/connexion');
      expect(waitedUntil).toBe(0);
    }
    for (let i = 0; i < 15; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      await app.inject('/healthz');
    }
    await waiting;
    expect(waitedUntil - lastVisitor).toBeGreaterThanOrEqual(999);
    expect(waitedUntil - lastVisitor).toBeLessThan(2400); // had the probes counted, it would end 1 s after the last of them: 2.5 s or more
    await app.close();
  });

  it('gives up waiting after its longest wait, or when it is told to stop', async () => {
    const app = Fastify();
    app.get('/connexion', async () => 'page');
    const quiet = watchQuiet(app, 10_000);
    await app.ready();
    await app.inject('/connexion');
    const started = performance.now();
    await quiet.untilQuiet({ maxWaitMs: 200 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(199);
    expect(performance.now() - started).toBeLessThan(1000);
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 100);
    const again = performance.now();
    await quiet.untilQuiet({ signal: stop.signal, maxWaitMs: 5000 });
    expect(performance.now() - again).toBeLessThan(1000);
    await app.close();
  });
});
