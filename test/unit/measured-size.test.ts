import { describe, expect, it } from 'vitest';
import { fileDetail, measuredPdfSize } from '../../src/platform/pdf/measured-size.ts';

describe('a document link’s format and size', () => {
  it('is written as DSFR does: « PDF – 45 Ko », « PDF – 1,2 Mo », « PDF » alone when unknown', () => {
    expect(fileDetail(45 * 1024)).toBe('PDF – 45 Ko');
    expect(fileDetail(300)).toBe('PDF – 1 Ko');
    expect(fileDetail(1.2 * 1024 * 1024)).toBe('PDF – 1,2 Mo');
    expect(fileDetail(2 * 1024 * 1024)).toBe('PDF – 2 Mo');
    expect(fileDetail(null)).toBe('PDF');
  });

  it('is measured on the rendered document once per key, and is null when there is no document', async () => {
    let renders = 0;
    const render = async () => {
      renders++;
      return Buffer.alloc(46_000);
    };
    expect(await measuredPdfSize('test:A:v1', render)).toBe(46_000);
    expect(await measuredPdfSize('test:A:v1', render)).toBe(46_000);
    expect(renders).toBe(1);
    expect(await measuredPdfSize('test:A:v2', async () => Buffer.alloc(10))).toBe(10);
    expect(await measuredPdfSize('test:none', async () => null)).toBeNull();
  });
});
