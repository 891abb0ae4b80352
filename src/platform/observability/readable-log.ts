/**
 * pino's JSON lines made readable for a person watching a terminal (`npm start` in a shell):
 * `10:00:01  Portail disponible sur http://localhost:3000`, a request as `GET /vehicules 200 12,3 ms`,
 * a warning or an error named in French, other facts as `clé=valeur`. Only when standard output is
 * a terminal outside production (LOG_FORMAT in config.ts): files, pipes, log collectors and the
 * benchmarks keep one JSON object a line.
 */
const clock = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', second: '2-digit' });
const LEVELS: Record<number, string> = { 10: 'TRACE ', 20: 'DEBUG ', 40: 'ATTENTION ', 50: 'ERREUR ', 60: 'FATAL ' };
/** pino's own fields, and those the message already says */
const SHOWN_ELSEWHERE = new Set(['time', 'level', 'msg', 'pid', 'hostname', 'reqId', 'startup', 'startupMs', 'err']);
/** a request's fields, said as `GET /route 200 12,3 ms` */
const REQUEST_FIELDS = new Set(['method', 'route', 'path', 'status', 'ms']);
const REQUEST_LINE = 'requête';

const value = (v: unknown) => (typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v));

/** One JSON line of pino, as a person reads it (a line that is not JSON is left as it is). */
export function readableLine(line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof entry.time === 'number' ? clock.format(entry.time) : '';
  const level = LEVELS[entry.level as number] ?? '';
  const message = String(entry.msg ?? '');
  const request =
    entry.method !== undefined && entry.status !== undefined
      ? `${String(entry.method)} ${String(entry.route ?? entry.path ?? '')} ${String(entry.status)} ${String(entry.ms ?? '').replace('.', ',')} ms`
      : null;
  const head = message === REQUEST_LINE && request ? request : [message, request].filter(Boolean).join(' — ');
  const facts = Object.entries(entry)
    .filter(([k, v]) => !SHOWN_ELSEWHERE.has(k) && !(request && REQUEST_FIELDS.has(k)) && v !== undefined)
    .map(([k, v]) => `${k}=${value(v)}`);
  const err = entry.err as { message?: string; stack?: string } | undefined;
  const error = err ? `\n    ${(Number(entry.level) >= 50 && err.stack ? err.stack : (err.message ?? '')).split('\n').join('\n    ')}` : '';
  return `${time}  ${level}${head}${facts.length ? `  ${facts.join(' ')}` : ''}${error}\n`;
}

/** A pino destination that writes each line readable to `destination` (the process's asynchronous stdout). */
export function readableLogStream(destination: { write(text: string): unknown }): { write(line: string): void } {
  return { write: (line) => void destination.write(readableLine(line.endsWith('\n') ? line.slice(0, -1) : line)) };
}
