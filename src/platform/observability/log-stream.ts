import pino from 'pino';

/**
 * The destination of the JSON logs: standard output through pino's asynchronous destination
 * (SonicBoom with `sync: false`). A line never waits for the disk or the pipe on the event loop:
 * lines are appended to a buffer and written by libuv's thread pool, the lines logged while a
 * write is under way going out together in the next one (stdout to a file or a pipe is otherwise a
 * synchronous write per line in Node: 12 % of the CPU of a sale, issue 20). pino registers a
 * synchronous flush at exit; a SIGKILL loses at most what was not written yet.
 */
export type LogStream = ReturnType<typeof pino.destination>;

let shared: LogStream | null = null;
/** One asynchronous stdout destination per process, flushed at exit. */
export function processLogStream(): LogStream {
  shared ??= pino.destination({ dest: 1, sync: false });
  return shared;
}
