import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The layers of src/ (issue 19, docs/decisions/0028-layers.md), checked from the source text:
 * (a) src/platform/ imports nothing from src/domains/ or src/ui/;
 * (b) a service or model module imports no page and nothing of src/ui/ (services return data, never JSX);
 * (c) a `status` column is written only by a file named transitions.ts.
 * Each rule has an allowlist of today's offenders: it may only shrink (a listed file that no longer
 * offends fails the test, so whoever fixes a file removes its line).
 */

const ROOT = join(import.meta.dirname, '../..');

// ---------------------------------------------------------------------------------------------------
// The checker (pure functions of a path relative to the repository and a source text)

/** The repository-relative paths (posix) that a file imports: static imports, `export … from`, `import('…')`. */
export function importsOf(file: string, source: string): string[] {
  const { importedFiles } = ts.preProcessFile(source, true, true);
  return importedFiles
    .map((f) => f.fileName)
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => posix.normalize(posix.join(posix.dirname(file), specifier)));
}

const isPlatform = (file: string) => file.startsWith('src/platform/');
const isDomain = (file: string) => file.startsWith('src/domains/');
const isUi = (file: string) => file.startsWith('src/ui/');
/** A page module: under a `pages/` folder, or named pages.tsx / *-pages.tsx. */
export const isPage = (file: string) => /\/pages\//.test(file) || /(^|\/|-)pages\.tsx?$/.test(posix.basename(file));
/** Glue that may know pages: routes, a domain's plugin/index, the application's assembly. */
const isWiring = (file: string) =>
  /^(.+-)?routes\.tsx?$/.test(posix.basename(file)) ||
  /^(index|plugin)\.tsx?$/.test(posix.basename(file)) ||
  file === 'src/app.ts' ||
  file === 'src/server.ts' ||
  file.startsWith('src/web/');

/** Rule (a): the imports of a platform module that reach into a domain or src/ui. */
export function platformViolations(file: string, source: string): string[] {
  if (!isPlatform(file)) return [];
  return importsOf(file, source).filter((target) => isDomain(target) || isUi(target));
}

/** Rule (b): the imports of a service/model module that reach a page or src/ui. */
export function serviceViolations(file: string, source: string): string[] {
  if (isPage(file) || isUi(file) || isWiring(file)) return [];
  return importsOf(file, source).filter((target) => isPage(target) || isUi(target));
}

/** The first `status` property of an object literal within a node (a written column), if any. */
function statusProperty(node: ts.Node): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (n: ts.Node) => {
    if (found) return;
    if (
      (ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) &&
      ts.isObjectLiteralExpression(n.parent) &&
      (ts.isIdentifier(n.name) || ts.isStringLiteral(n.name)) &&
      n.name.text === 'status'
    ) {
      found = n;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

const calleeName = (call: ts.CallExpression) =>
  ts.isPropertyAccessExpression(call.expression) ? call.expression.name.text : ts.isIdentifier(call.expression) ? call.expression.text : '';

/** Rule (c): the lines of a module (not a transitions.ts) that write a `status` column. */
export function statusWriteViolations(file: string, source: string): number[] {
  if (posix.basename(file) === 'transitions.ts') return [];
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const lines = new Set<number>();
  const flag = (node: ts.Node) => lines.add(sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1);
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node)) {
      const name = calleeName(node);
      // .set({ …, status: … }) / .set((eb) => ({ status })) — Kysely's update, wherever the builder comes from
      if (name === 'set') {
        const written = node.arguments.filter((arg) => ts.isObjectLiteralExpression(arg) || ts.isArrowFunction(arg)).map(statusProperty).find(Boolean);
        if (written) flag(written);
      }
      // status: … anywhere in an updateTable(…) chain
      if (name === 'updateTable') {
        let top: ts.Node = node;
        while (ts.isPropertyAccessExpression(top.parent) || (ts.isCallExpression(top.parent) && top.parent.expression === top)) top = top.parent;
        const written = top === node ? undefined : statusProperty(top);
        if (written) flag(written);
      }
    }
    // raw SQL: update <table> set … status = …
    if (ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateExpression(node) || ts.isStringLiteral(node)) {
      if (/\bupdate\s+\S+\s+set\b[\s\S]*?(^|[\s,"])status"?\s*=/i.test(node.getText(sf))) flag(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return [...lines].sort((x, y) => x - y);
}

// ---------------------------------------------------------------------------------------------------
// Today's offenders: each line goes when its file is fixed (the allowlist may only shrink).

const PLATFORM_IMPORTS_ALLOWED = new Set<string>([
  // none left: keep it so (docs/decisions/0028-layers.md says where page-serving code goes instead)
]);

const SERVICE_IMPORTS_ALLOWED = new Set<string>([
  // none left: keep it so
]);

const STATUS_WRITES_ALLOWED = new Set<string>([
  // platform state machines (payments, simulated provider, postal letters): not in issue 19's scope yet
  'src/platform/letters/letters.ts',
  'src/platform/payment/refunds.ts',
  'src/platform/payment/service.ts',
  'src/platform/payment/simulated-provider.tsx',
]);

// ---------------------------------------------------------------------------------------------------

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [relative(ROOT, path).split('\\').join('/')] : [];
  });
}

const scanned = new Map<unknown, Map<string, unknown[]>>();
/** The files of src/ that break a rule, with what breaks it (scanned once per rule). */
function offenders(check: (file: string, source: string) => unknown[]): Map<string, unknown[]> {
  const cached = scanned.get(check);
  if (cached) return cached;
  const found = new Map<string, unknown[]>();
  scanned.set(check, found);
  for (const file of sourceFiles(join(ROOT, 'src'))) {
    const violations = check(file, readFileSync(join(ROOT, file), 'utf8'));
    if (violations.length > 0) found.set(file, violations);
  }
  return found;
}

const RULES = [
  { name: 'src/platform imports no domain nor src/ui', check: platformViolations, allowed: PLATFORM_IMPORTS_ALLOWED },
  { name: 'no service or model module imports a page or src/ui', check: serviceViolations, allowed: SERVICE_IMPORTS_ALLOWED },
  { name: 'a status column is written only in a transitions.ts', check: statusWriteViolations, allowed: STATUS_WRITES_ALLOWED },
];

describe('the layers of src/', () => {
  for (const rule of RULES) {
    it(`${rule.name} (outside the allowlist)`, () => {
      const found = offenders(rule.check);
      const unexpected = Object.fromEntries([...found].filter(([file]) => !rule.allowed.has(file)));
      expect(unexpected).toEqual({});
    });

    it(`${rule.name}: the allowlist only names files that still offend`, () => {
      const found = offenders(rule.check);
      const stale = [...rule.allowed].filter((file) => !found.has(file));
      expect(stale).toEqual([]);
    });
  }
});

describe('the layout checker can fail', () => {
  it('reads static imports, export … from and import(…), ignoring packages and comments', () => {
    const source = [
      "import { a } from '../../domains/sale/service.ts';",
      "import type { B } from './b.ts';",
      "export { c } from '../c.ts';",
      "export * from './d.tsx';",
      "const e = await import('../../ui/e.tsx');",
      "import fastify from 'fastify';",
      "// import { f } from '../f.ts';",
    ].join('\n');
    expect(importsOf('src/platform/http/x.ts', source)).toEqual([
      'src/domains/sale/service.ts',
      'src/platform/http/b.ts',
      'src/platform/c.ts',
      'src/platform/http/d.tsx',
      'src/ui/e.tsx',
    ]);
  });

  it('(a) flags a platform module importing a domain or src/ui, not one importing platform', () => {
    expect(platformViolations('src/platform/http/x.ts', "import { s } from '../../domains/site/maintenance-service.ts';")).toEqual([
      'src/domains/site/maintenance-service.ts',
    ]);
    expect(platformViolations('src/platform/mail/x.tsx', "const p = await import('../../ui/pages/outbox.tsx');")).toEqual(['src/ui/pages/outbox.tsx']);
    expect(platformViolations('src/platform/http/x.ts', "import { t } from '../time.ts';")).toEqual([]);
    expect(platformViolations('src/domains/site/x.ts', "import { l } from '../../ui/layout.tsx';")).toEqual([]);
  });

  it('(b) flags a service importing a page or src/ui; routes, pages and plugins may', () => {
    expect(serviceViolations('src/domains/vehicles/sale/service.ts', "import { SalePage } from './pages.tsx';")).toEqual(['src/domains/vehicles/sale/pages.tsx']);
    expect(serviceViolations('src/domains/help/articles.ts', "export { x } from './pages/help.tsx';")).toEqual(['src/domains/help/pages/help.tsx']);
    expect(serviceViolations('src/domains/stamps/refund-service.ts', "import { P } from './refund-pages.tsx';")).toEqual(['src/domains/stamps/refund-pages.tsx']);
    expect(serviceViolations('src/domains/agents/model.ts', "import { F } from '../../ui/format.ts';")).toEqual(['src/ui/format.ts']);
    for (const file of ['src/domains/vehicles/sale/routes.tsx', 'src/domains/stamps/refund-routes.tsx', 'src/domains/sale/pages.tsx', 'src/domains/help/pages/help.tsx', 'src/domains/stamps/index.ts', 'src/app.ts']) {
      expect(serviceViolations(file, "import { P } from './pages.tsx';\nimport { L } from '../../ui/layout.tsx';")).toEqual([]);
    }
    expect(serviceViolations('src/domains/vehicles/sale/service.ts', "import { m } from './model.ts';")).toEqual([]);
  });

  it('(c) flags a status written by .set, in an updateTable chain or in raw SQL, outside transitions.ts', () => {
    const file = 'src/domains/vehicles/sale/service.ts';
    expect(statusWriteViolations(file, "await db.updateTable('t').set({ status: 'done', at: now }).where('id', '=', id).execute();")).toEqual([1]);
    expect(statusWriteViolations(file, "const status = 'x';\nawait trx\n  .updateTable('t')\n  .set({ updated_at: now, status })\n  .execute();")).toEqual([4]);
    expect(statusWriteViolations(file, "await q.set((eb) => ({ status: eb.ref('next') })).execute();")).toEqual([1]);
    expect(statusWriteViolations(file, "await trx.updateTable('t').set({ ...patch, status: next }).execute();")).toEqual([1]);
    expect(statusWriteViolations(file, "await sql`update vehicle_procedures set status = 'x' where id = ${id}`.execute(db);")).toEqual([1]);
    // reads and other columns are not writes of status
    expect(statusWriteViolations(file, "await db.updateTable('t').set({ review_status: 'ok' }).where('status', '=', 'open').execute();")).toEqual([]);
    expect(statusWriteViolations(file, "const row = await db.selectFrom('t').select('status').where('status', '=', 'x').executeTakeFirst();\nreturn { status: row.status };")).toEqual([]);
    expect(statusWriteViolations(file, "headers.set('status', 'x');")).toEqual([]);
    // the transition function is the one place allowed
    expect(statusWriteViolations('src/domains/vehicles/procedures/transitions.ts', "await db.updateTable('t').set({ status: 'done' }).execute();")).toEqual([]);
  });
});
