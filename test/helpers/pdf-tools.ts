import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * The PDF tools an archivist runs, on a document in memory: `qpdf --check` (structure, streams,
 * cross-reference table) and poppler's `pdffonts` (is every font embedded). Both are Debian
 * packages (`qpdf`, `poppler-utils`) that .ci/run installs when missing; a test that needs them
 * fails with this message instead of being skipped.
 */
function requireTool(name: string): void {
  if (spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0)
    throw new Error(`${name} is not installed: run \`apt-get install -y qpdf poppler-utils\` (as .ci/run does) before these tests`);
}

function withFile<T>(pdf: Buffer, use: (file: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'pdf-tools-'));
  try {
    const file = path.join(dir, 'document.pdf');
    writeFileSync(file, pdf);
    return use(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `qpdf --check`: exit code 0 (no error, no warning) and what it printed. */
export function qpdfCheck(pdf: Buffer): { status: number; output: string } {
  requireTool('qpdf');
  return withFile(pdf, (file) => {
    const r = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
    return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
  });
}

/** `pdffonts`: one row per font of the file, with its "emb" column. */
export function pdfFonts(pdf: Buffer): { name: string; type: string; embedded: boolean }[] {
  requireTool('pdffonts');
  return withFile(pdf, (file) => {
    const lines = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n');
    // name, type (may contain spaces), encoding, emb, sub, uni, object ID (2 columns)
    return lines
      .slice(2)
      .filter((l) => l.trim())
      .map((l) => {
        const cols = l.trim().split(/\s+/);
        const [emb] = cols.slice(-5);
        return { name: cols[0]!, type: l.slice(37, 60).trim(), embedded: emb === 'yes' };
      });
  });
}
