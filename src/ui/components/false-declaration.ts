/**
 * The reminder of art. 441-1 du code pénal (terms of use 1.10.2) shown as the hint of every box by
 * which a user certifies information or declares on honour. test/unit/false-declaration.test.ts
 * finds every such box in the pages and fails when one lacks it.
 */
export const FALSE_DECLARATION_WARNING =
  'Toute fausse déclaration, pour vous-même ou pour autrui, est punie de trois ans d’emprisonnement et de 45 000 € d’amende (article 441-1 du code pénal).';
