import { demoTemplateVariant } from './demo/template.ts';
import { precompressedFiles } from './platform/http/assets.ts';
import { precompressed } from './platform/http/precompressed.ts';
import { ensurePgliteTemplate } from './platform/db/pglite-template.ts';

/**
 * What `npm run build` (scripts/build.mjs) fills after bundling, with the code just built, one step
 * at a time so that it can say what it is doing: the DSFR's brotli and gzip versions, then the
 * migrated PGlite template with the demo data (from the empty cluster of pglite-base.ts, which the
 * build started making in parallel).
 */
export function compressAssets(): void {
  for (const file of precompressedFiles()) precompressed(file);
}

export async function makeDemoTemplate(): Promise<{ created: boolean }> {
  const template = await ensurePgliteTemplate(undefined, demoTemplateVariant());
  return { created: template.created };
}
