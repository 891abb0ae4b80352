import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { readableLine, readableLogStream } from '../../src/platform/observability/readable-log.ts';

// 1 Dec 2026 10:00:01 in Paris (UTC+1)
const TIME = Date.UTC(2026, 11, 1, 9, 0, 1);
const json = (entry: Record<string, unknown>) => JSON.stringify({ level: 30, time: TIME, pid: 42, hostname: 'noeud-1', ...entry });

describe('the log lines of a portal started at a terminal', () => {
  it('writes a message at its Paris time, without pino’s own fields', () => {
    expect(readableLine(json({ msg: 'Portail disponible sur http://localhost:3000 (base pglite)' }))).toBe('10:00:01  Portail disponible sur http://localhost:3000 (base pglite)\n');
  });

  it('writes a request as its method, route, status and milliseconds, with a decimal comma', () => {
    expect(readableLine(json({ reqId: 'abc', method: 'GET', route: '/vehicules', status: 200, ms: 12.3, msg: 'requête' }))).toBe('10:00:01  GET /vehicules 200 12,3 ms\n');
    expect(readableLine(json({ level: 40, method: 'POST', path: '/connexion', status: 403, ms: 4, code: 'FST_CSRF_INVALID', msg: 'requête' }))).toBe(
      '10:00:01  ATTENTION POST /connexion 403 4 ms  code=FST_CSRF_INVALID\n',
    );
  });

  it('names a warning and an error in French, with the error’s stack under an error', () => {
    const line = readableLine(json({ level: 50, msg: 'requête interrompue', method: 'GET', route: '/', status: 500, ms: 3, err: { message: 'boum', stack: 'Error: boum\n    at f (a.ts:1:1)' } }));
    expect(line).toBe('10:00:01  ERREUR requête interrompue — GET / 500 3 ms\n    Error: boum\n        at f (a.ts:1:1)\n');
    expect(readableLine(json({ level: 40, msg: 'bibliothèques PDF non chargées', err: { message: 'introuvable', stack: 'Error: introuvable\n at x' } }))).toBe(
      '10:00:01  ATTENTION bibliothèques PDF non chargées\n    introuvable\n',
    );
  });

  it('keeps other facts as key=value, and a line that is not JSON as it is', () => {
    expect(readableLine(json({ msg: 'salle d’attente : requêtes renvoyées vers la page d’attente', turnedAway: 3, everySeconds: 10 }))).toBe(
      '10:00:01  salle d’attente : requêtes renvoyées vers la page d’attente  turnedAway=3 everySeconds=10\n',
    );
    expect(readableLine(json({ msg: 'bibliothèques PDF chargées', ms: 812 }))).toBe('10:00:01  bibliothèques PDF chargées  ms=812\n');
    expect(readableLine('pas du JSON')).toBe('pas du JSON');
  });

  it('writes through the destination it is given, one readable line per JSON line', () => {
    const written: string[] = [];
    readableLogStream({ write: (text) => written.push(text) }).write(`${json({ msg: 'portail arrêté' })}\n`);
    expect(written).toEqual(['10:00:01  portail arrêté\n']);
  });

  it('is chosen only at a terminal outside production, unless LOG_FORMAT says otherwise', () => {
    const atTerminal = process.stdout.isTTY;
    try {
      process.stdout.isTTY = true;
      expect(loadConfig({ NODE_ENV: 'development' }).logFormat).toBe('lisible');
      expect(loadConfig({ NODE_ENV: 'development', LOG_FORMAT: 'json' }).logFormat).toBe('json');
      process.stdout.isTTY = false;
      expect(loadConfig({ NODE_ENV: 'development' }).logFormat).toBe('json');
      expect(loadConfig({ NODE_ENV: 'development', LOG_FORMAT: 'lisible' }).logFormat).toBe('lisible');
    } finally {
      process.stdout.isTTY = atTerminal;
    }
  });
});
