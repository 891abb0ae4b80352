/**
 * `npm start` runs this process under npm and a shell. Sending SIGTERM to npm (a supervisor, a
 * script) may end npm and its shell without passing the signal on, leaving the portal running with
 * nobody to stop it. While started by npm, this process watches the one that started it: when that
 * one is gone (this process is handed to another parent), it stops itself as if it had received
 * SIGTERM, through the server's own graceful shutdown.
 */
export function stopWithParent(intervalMs = 1000) {
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(timer);
    process.kill(process.pid, 'SIGTERM');
  }, intervalMs);
  timer.unref();
  return timer;
}
