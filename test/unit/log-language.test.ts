import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The messages of the portal's log lines are for operators, who read French like every user of the
 * portal (the CLIs, the start summary, the worker's errors): a message in English fails here. The
 * fields keep their English names (`reqId`, `status`, `event`), read by machines.
 */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) ? [path] : [];
  });
}

/** Words of the English messages the logs had (and their kin); none is French. */
const ENGLISH = /\b(the|and|of|to|failed|refused|request|requests|shutting|down|expired|created|applied|recorded|unavailable|overloaded|rejected|dropped|unreachable|error|errored|kept|closed|job|jobs|tick|reminders|simulator|not|no|too|slow|body)\b/i;

/** The message of each log call in src/: the string literal that ends the call (`log.info({ … }, 'message')`). */
function logMessages(): { file: string; message: string }[] {
  const found: { file: string; message: string }[] = [];
  for (const file of sourceFiles(join(import.meta.dirname, '../../src'))) {
    const text = readFileSync(file, 'utf8');
    for (const call of text.matchAll(/\blog\??\.(?:trace|debug|info|warn|error|fatal)\(([^;]*?)\);/gs)) {
      const literal = /(['`])((?:(?!\1)[^\\]|\\.)*)\1\s*\)?\s*$/s.exec(call[1]!);
      if (literal) found.push({ file, message: literal[2]! });
    }
  }
  return found;
}

describe('log messages', () => {
  it('are written in French', () => {
    const messages = logMessages();
    expect(messages.length).toBeGreaterThan(20); // the scan finds the log calls
    expect(messages.filter((m) => ENGLISH.test(m.message.replace(/\$\{[^}]*\}/g, '')))).toEqual([]);
  });
});
