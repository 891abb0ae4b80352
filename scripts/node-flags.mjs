/**
 * V8's sizing for a portal process (docs/decisions/0033-memory-after-load.md). V8 reads these when
 * it creates its heap, so they must be on Node's command line: `npm start` passes them (package.json),
 * scripts/cluster.mjs and the benchmarks too, and scripts/start.mjs run without them (a supervisor's
 * `node scripts/start.mjs`) re-executes itself once with them.
 *
 * --max-semi-space-size=8: the young generation (where every request's garbage is born) is at most
 * 3 × 16 MB. Node 24's default on this machine lets it grow to ~128 MB under load, and V8 keeps those
 * pages resident after the load; 16 MB was Node 18's default.
 */
export const PORTAL_NODE_FLAGS = ['--max-semi-space-size=8'];

const flagName = (flag) => flag.split('=')[0];

/** The portal's flags this process was started without (a flag given with another value counts as given). */
export function missingPortalFlags(execArgv = process.execArgv, nodeOptions = process.env.NODE_OPTIONS ?? '') {
  const given = [...execArgv, ...nodeOptions.split(/\s+/)].map(flagName);
  return PORTAL_NODE_FLAGS.filter((flag) => !given.includes(flagName(flag)));
}

/**
 * Replaces this process by the same command with the portal's missing flags (process.execve: same
 * pid, nothing started yet, so a supervisor and `stopWithParent` see no difference). Where execve is
 * not available (Windows), the process goes on with V8's defaults.
 */
export function withPortalFlags() {
  const missing = missingPortalFlags();
  if (!missing.length || typeof process.execve !== 'function') return;
  process.execve(process.execPath, [process.execPath, ...missing, ...process.execArgv, ...process.argv.slice(1)], process.env);
}
