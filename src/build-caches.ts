import { demoTemplateVariant } from './demo/template.ts';
import { precompressedFiles } from './platform/http/assets.ts';
import { precompressed } from './platform/http/precompressed.ts';
import { ensurePgliteTemplate } from './platform/db/pglite-template.ts';

/**
 * What `npm run build` (scripts/build.mjs) fills after bundling, with the code just built: the
 * DSFR's brotli and gzip versions, then the migrated PGlite template with the demo data.
 */
export async function fillBuildCaches(): Promise<{ templateCreated: boolean; compressedAt: number }> {
  for (const file of precompressedFiles()) precompressed(file);
  const compressedAt = performance.now();
  const template = await ensurePgliteTemplate(undefined, demoTemplateVariant());
  return { templateCreated: template.created, compressedAt };
}
