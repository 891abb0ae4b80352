import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FALSE_DECLARATION_WARNING } from '../../src/ui/components/false-declaration.ts';

const PAGES = new URL('../../src/', import.meta.url).pathname;
const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.tsx') ? [join(dir, e.name)] : []));

/** Every <Checkbox …/> of the pages whose label certifies information or declares on honour. */
function certifyingBoxes(): { file: string; element: string }[] {
  return files(PAGES).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/<Checkbox\b[\s\S]*?\/>/g)]
      .map((m) => m[0])
      .filter((element) => /label=[^\n]*(certifie|honneur)/i.test(element))
      .map((element) => ({ file: file.slice(PAGES.length), element })),
  );
}

describe('false declarations (art. 441-1 du code pénal)', () => {
  it('words the penalty as the terms of use do: three years and 45 000 €', () => {
    expect(FALSE_DECLARATION_WARNING).toContain('trois ans d’emprisonnement et de 45 000 € d’amende (article 441-1 du code pénal)');
  });

  it('puts the warning next to every box that certifies information or declares on honour', () => {
    const boxes = certifyingBoxes();
    // sale, change of holder, address, duplicate (2), TPC, licence request, pre-application
    expect(boxes.length).toBeGreaterThanOrEqual(8);
    const without = boxes.filter((b) => !b.element.includes('FALSE_DECLARATION_WARNING')).map((b) => `${b.file}: ${b.element.slice(0, 120)}`);
    expect(without).toEqual([]);
  });
});
