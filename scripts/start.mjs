/**
 * `npm start`: builds the portal when src/ changed since the last build (scripts/build.mjs), then
 * runs dist/server.js in this same process: plain JavaScript, no transpiler at start, and V8's
 * compiled code kept between starts (Node's module compile cache).
 */
import { withPortalFlags } from './node-flags.mjs';

// V8's sizing (node-flags.mjs): started without it (`node scripts/start.mjs`), this process is replaced by
// one with it, before it loads anything else; `npm start` passes it, so nothing is started twice
withPortalFlags();

const [{ default: module }, { default: path }, { pathToFileURL }, { build, DIST, ROOT, isStale }, { stopWithParent }] = await Promise.all([
  import('node:module'),
  import('node:path'),
  import('node:url'),
  import('./build.mjs'),
  import('./stop-with-parent.mjs'),
]);

if (process.env.npm_lifecycle_event) stopWithParent(); // run by `npm start`: stop when npm is stopped
if (isStale()) {
  await build();
  // the build is the start's first phase (src/platform/startup/phases.ts), not part of « modules »
  const cpu = process.cpuUsage();
  globalThis[Symbol.for('portail-titres.build-ended')] = { wall: performance.now(), cpu: (cpu.user + cpu.system) / 1000 };
}
module.enableCompileCache?.(path.join(ROOT, 'node_modules', '.cache', 'portail-titres', 'compile'));
await import(pathToFileURL(path.join(DIST, 'server.js')).href);
