import { h } from 'preact';
import { renderToString } from 'preact-render-to-string';
import { describe, expect, it } from 'vitest';
import { refill } from '../../src/web/keep-form.tsx';

/** Issue 16: a refused form's text comes back in its fields, whatever value the page rendered. */
describe('refill of a refused form', () => {
  it('replaces the bare `value` preact renders for an empty value, leaving one value attribute', () => {
    const html = renderToString(h('input', { type: 'text', name: 'commune', value: '' }));
    expect(html).toMatch(/\svalue\/?>/); // what preact writes: the case this test is about
    const out = refill(html, { commune: 'Lyon' });
    expect(out).toBe('<input type="text" name="commune" value="Lyon"/>');
    expect(out.match(/\svalue\b/g)).toHaveLength(1);
  });

  it('replaces a quoted value, adds a missing one, escapes what was typed, and leaves passwords and hidden fields alone', () => {
    const html = [
      '<input type="text" name="a" value="old"/>',
      '<input name="b"/>',
      '<input type="password" name="c" value/>',
      '<input type="hidden" name="d" value="x"/>',
      '<input type="text" name="value" data-value="1"/>',
      '<textarea name="e">old</textarea>',
    ].join('');
    const out = refill(html, { a: 'new', b: '"<b>', c: 'secret', d: 'forged', value: 'v', e: 'texte' });
    expect(out).toContain('<input type="text" name="a" value="new"/>');
    expect(out).toContain('<input name="b" value="&quot;&lt;b&gt;"/>');
    expect(out).toContain('<input type="password" name="c" value/>');
    expect(out).toContain('<input type="hidden" name="d" value="x"/>');
    expect(out).toContain('<input type="text" name="value" data-value="1" value="v"/>');
    expect(out).toContain('<textarea name="e">texte</textarea>');
  });
});
