import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_ACTION_LABELS, auditActionLabel } from '../../src/platform/audit-labels.ts';
import { PROCEDURE_TRANSITIONS } from '../../src/domains/vehicles/procedures/model.ts';
import { TRANSITIONS as LICENCE_TRANSITIONS } from '../../src/domains/licences/model.ts';
import { HABILITATION_ACTIONS } from '../../src/domains/agents/model.ts';
import { TRANSITIONS as PRE_APPLICATION_TRANSITIONS } from '../../src/domains/identity-docs/model.ts';
import { CONTACT_TRANSITIONS } from '../../src/domains/help/contact-model.ts';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/**
 * The codes built at run time from a state machine's names: each template found in an audit() call
 * must be listed here with every value it can take (a new template fails the test until it is).
 */
const TEMPLATES: Record<string, string[]> = {
  'vehicle_procedure.${action}': Object.keys(PROCEDURE_TRANSITIONS),
  'licence.${t}': Object.keys(LICENCE_TRANSITIONS),
  'licence.piece_${verdict}': ['accepted', 'refused'],
  'attachment.${decision}': ['accepted', 'refused'],
  'habilitation.${action}': [...HABILITATION_ACTIONS],
  'contact.${t.to}': Object.values(CONTACT_TRANSITIONS).map((t) => t.to),
  'pre_application.${move.to}': Object.values(PRE_APPLICATION_TRANSITIONS).flatMap((to) => Object.keys(to)),
  // FROM_PROVIDER's outcomes other than success (payment/service.ts): failed, cancelled, error, expired
  'payment.${next}': ['failed', 'cancelled', 'error', 'expired'],
};

/** Every action code passed to audit() in src/: the dotted literals of each call. */
function actionCodesInSource(): { codes: Set<string>; templates: Set<string> } {
  const codes = new Set<string>();
  const templates = new Set<string>();
  for (const file of sourceFiles(join(import.meta.dirname, '../../src'))) {
    if (file.endsWith('audit.ts') || file.endsWith('audit-labels.ts')) continue;
    const text = readFileSync(file, 'utf8');
    // audit(…) and auditAll(…) calls, and the rows a transition adds to its own (alsoAudit: […])
    for (const match of text.matchAll(/\b(?:audit|auditAll)\(|\balsoAudit:\s*\[/g)) {
      // the whole call or list, up to its closing bracket (details rarely hold a dotted literal: the test would show it)
      const open = match[0].endsWith('[') ? '[' : '(';
      const close = open === '[' ? ']' : ')';
      let depth = 0;
      let end = match.index + match[0].length - 1;
      for (; end < text.length; end++) {
        if (text[end] === open) depth++;
        else if (text[end] === close && --depth === 0) break;
      }
      const head = text.slice(match.index, end);
      for (const literal of head.matchAll(/'([a-z_]+\.[a-z_]+)'/g)) codes.add(literal[1]!);
      for (const literal of head.matchAll(/`([a-z_]+\.[a-z_]*\$\{[^}]+\}[a-z_]*)`/g)) templates.add(literal[1]!);
    }
  }
  return { codes, templates };
}

describe('French labels of the audit actions', () => {
  const { codes, templates } = actionCodesInSource();

  it('finds the audit calls of the source (the scan itself works)', () => {
    expect(codes.has('vehicle_procedure.started')).toBe(true);
    expect(codes.has('account.password_set')).toBe(true); // written as one branch of a ternary
    expect(codes.has('contact.created')).toBe(true);
    expect(codes.has('vehicle.sale_declared')).toBe(true); // a row a transition adds to its own (alsoAudit)
    expect(templates.has('vehicle_procedure.${action}')).toBe(true);
    expect(codes.size).toBeGreaterThan(60);
  });

  it('has a label for every action code passed to audit() in src/', () => {
    const missing = [...codes].filter((code) => !(code in AUDIT_ACTION_LABELS));
    expect(missing).toEqual([]);
  });

  it('knows every code template and has a label for each value it can take', () => {
    expect([...templates].filter((t) => !(t in TEMPLATES))).toEqual([]);
    const missing = Object.entries(TEMPLATES).flatMap(([template, values]) =>
      values.map((v) => template.replace(/\$\{[^}]+\}/, v)).filter((code) => !(code in AUDIT_ACTION_LABELS)),
    );
    expect(missing).toEqual([]);
  });

  it('writes every label in French, with no raw code and no agent name', () => {
    for (const [code, label] of Object.entries(AUDIT_ACTION_LABELS)) {
      expect(label, code).not.toMatch(/[a-z]+[._][a-z]+/);
      expect(label, code).toMatch(/^\p{Lu}/u);
    }
    expect(auditActionLabel('agent.took_request')).toBe('Un agent du centre d’instruction a pris la demande');
    expect(auditActionLabel('no.such_code')).toBe('Opération enregistrée');
  });
});
