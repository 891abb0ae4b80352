/**
 * `npm run documents:render`: each kind of document the portal issues, produced by running the demo
 * flows (test/documents/demo-documents.ts) on a fresh demo database with the tests' fixed clock, then
 * written as PDF and as PNG (pdf.js drawing each page on a skia canvas, 110 dpi) into docs/documents/.
 * The documents are sealed with the portal's key of the configuration (SEAL_PRIVATE_KEY, or the demo
 * key of DATA_DIR), so `npm run verify-document -- docs/documents/<name>.pdf --sans-registre` checks
 * their signature (the database of the flows is thrown away: the registry check would not find them).
 */
import '../setup/clock.ts';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../src/config.ts';
import { seedDemoData } from '../../src/demo/seed.ts';
import { renderPdfPages } from '../../src/platform/seal/read-pdf.ts';
import { createTestApp } from '../helpers/app.ts';
import { runDemoFlows } from './demo-documents.ts';

const OUT = path.resolve('docs/documents');
const portal = loadConfig();
const env: Record<string, string> = { DATA_DIR: portal.dataDir };
if (portal.sealPrivateKey) env.SEAL_PRIVATE_KEY = portal.sealPrivateKey;
if (portal.sealCertificate) env.SEAL_CERTIFICATE = portal.sealCertificate;
const t = await createTestApp(env);
try {
  await t.database.reset();
  await seedDemoData(t.database.db, t.app.config);
  const documents = await runDemoFlows(t);
  mkdirSync(OUT, { recursive: true });
  for (const f of readdirSync(OUT)) if (/\.(pdf|png)$/.test(f)) rmSync(path.join(OUT, f));
  for (const d of documents) {
    writeFileSync(path.join(OUT, `${d.name}.pdf`), d.pdf);
    const pages = await renderPdfPages(d.pdf, 110 / 72);
    pages.forEach((png, i) => writeFileSync(path.join(OUT, `${d.name}${pages.length > 1 ? `-page-${i + 1}` : ''}.png`), png));
    console.log(`${d.name} — ${d.title} : ${pages.length} page(s), ${d.pdf.length} octets`);
  }
} finally {
  await t.close();
}
