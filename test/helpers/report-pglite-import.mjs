/**
 * Preloaded by test/integration/pglite-not-loaded.test.ts (`node --import <this file>`): the first time
 * any module imports PGlite, prints who imported it and ends the process, so the test learns whether a
 * start ever reaches PGlite without paying for PGlite itself.
 */
import module from 'node:module';

module.registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === '@electric-sql/pglite' || specifier.startsWith('@electric-sql/pglite/')) {
      process.stdout.write(`PGlite imported by ${context.parentURL}\n`);
      process.exit(0);
    }
    return nextResolve(specifier, context);
  },
});
