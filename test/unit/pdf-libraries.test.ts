import { describe, expect, it } from 'vitest';
import { letterPdf } from '../../src/platform/pdf/letter.ts';
import { pdfLibraries, pdfLibrariesLoaded, preloadPdfLibraries } from '../../src/platform/pdf/libraries.ts';
import { pdfObjects, pdfText } from '../helpers/pdf.ts';

/**
 * pdfkit, fontkit and qrcode are not loaded with the application (a first page never
 * needs them: src/platform/pdf/libraries.ts); the server loads them a second after listening. A
 * document asked before that loads them itself, and either way it embeds Marianne through the one
 * fontkit that pdfkit imports. The tests run in order: the first one finds nothing loaded.
 */
const embeddedFonts = (pdf: Buffer) =>
  [...pdfObjects(pdf).values()].flatMap(({ dict }) => {
    const name = /\/FontName \/[A-Z]{6}\+([\w-]+)/.exec(dict)?.[1];
    return name && /\/FontFile[23]? \d+ 0 R/.test(dict) ? [name] : [];
  });

const letter = () =>
  letterPdf({ recipient: ['MME CAMILLE MARTIN', '12 RUE DE LA ROQUETTE', '75011 PARIS'], subject: 'Votre certificat', body: 'Madame,\n\nÀ compléter.', date: new Date() });

describe('the PDF libraries', () => {
  it('are not loaded by importing the code that makes documents, and a first letter loads them itself and embeds Marianne', async () => {
    expect(pdfLibrariesLoaded()).toBe(false);
    const pdf = await letter();
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdfText(pdf)).toContain('Votre certificat');
    expect(embeddedFonts(pdf)).toEqual(expect.arrayContaining(['Marianne-Regular']));
    expect(pdfLibrariesLoaded()).toBe(true);
  });

  it('are loaded once: the preload after the start hands the same modules to every document', async () => {
    const before = await pdfLibraries();
    await preloadPdfLibraries();
    const after = await pdfLibraries();
    expect(after).toBe(before);
    expect(typeof after.fontkit.create).toBe('function');
    expect(embeddedFonts(await letter())).toEqual(expect.arrayContaining(['Marianne-Regular']));
  });
});
