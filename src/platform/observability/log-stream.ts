import { writeSync } from 'node:fs';

/**
 * The destination of the JSON logs: standard output, written asynchronously. Lines are gathered and
 * written once per turn of the event loop (or at 64 kB), instead of one synchronous write per line
 * (12 % of the CPU of a sale, issue 20). At exit what is pending is written synchronously; a
 * SIGKILL loses at most the lines of the current turn.
 */
export interface LogStream {
  write(line: string): void;
  flushSync(): void;
}

const FLUSH_AT = 64 * 1024;

export function createLogStream(fd = 1, out: NodeJS.WritableStream = process.stdout): LogStream {
  let pending: string[] = [];
  let size = 0;
  let scheduled = false;
  let draining = false;

  const flush = () => {
    scheduled = false;
    if (!pending.length || draining) return;
    const chunk = pending.join('');
    pending = [];
    size = 0;
    // under back-pressure the next chunk waits for 'drain' (lines keep gathering meanwhile)
    if (!out.write(chunk)) {
      draining = true;
      out.once('drain', () => {
        draining = false;
        if (pending.length) schedule();
      });
    }
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(flush);
  };

  const stream: LogStream = {
    write(line) {
      pending.push(line);
      size += line.length;
      if (size >= FLUSH_AT && !draining) flush();
      else schedule();
    },
    flushSync() {
      if (!pending.length) return;
      const chunk = pending.join('');
      pending = [];
      size = 0;
      try {
        writeSync(fd, chunk);
      } catch {
        /* stdout closed: nothing more to do at exit */
      }
    },
  };
  return stream;
}

let shared: LogStream | null = null;
/** One asynchronous stdout stream per process, flushed at exit. */
export function processLogStream(): LogStream {
  if (!shared) {
    const stream = createLogStream();
    process.once('exit', () => stream.flushSync());
    shared = stream;
  }
  return shared;
}
