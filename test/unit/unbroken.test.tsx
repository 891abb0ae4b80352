import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { Unbroken } from '../../src/ui/components/unbroken.tsx';

const html = (text: string) => renderToString(<Unbroken text={text} />);

describe('identifiers that never break across lines', () => {
  it('wraps plates and file numbers, as typed, in .app-nowrap', () => {
    expect(html('Demande V26-365SPYXL')).toBe('Demande <span class="app-nowrap">V26-365SPYXL</span>');
    expect(html('Numéro de dossier ou immatriculation, par exemple AB-123-CD')).toBe('Numéro de dossier ou immatriculation, par exemple <span class="app-nowrap">AB-123-CD</span>');
    expect(html('ancien numéro 1234 AB 75 ou AB-123-CD')).toBe('ancien numéro <span class="app-nowrap">1234 AB 75</span> ou <span class="app-nowrap">AB-123-CD</span>');
  });

  it('leaves ordinary French text alone, hyphenated words included', () => {
    expect(html('Jean-Pierre a vendu sa voiture le 1er décembre')).toBe('Jean-Pierre a vendu sa voiture le 1er décembre');
    expect(html('Mon espace véhicule')).toBe('Mon espace véhicule');
  });

  it('leaves a longer chain of groups free to break (a stamp number, a reference): kept whole, it overflowed a summary at 375 px', () => {
    expect(html('Timbre 1234-5678-9012-3456')).toBe('Timbre 1234-5678-9012-3456');
    expect(html('référence AB12-CD34-EF56-GH78-IJ90, plaque AB-123-CD')).toBe('référence AB12-CD34-EF56-GH78-IJ90, plaque <span class="app-nowrap">AB-123-CD</span>');
  });
});
