/**
 * The database check behind `GET /healthz`, shared by every caller. `/healthz` is always served
 * (the waiting room lets it through: load balancers must see a busy node as alive), so a query per
 * call would let anyone turn a flood of probes into a flood of database queries. Callers within
 * `freshMs` of the last answer get it again; callers while a check runs wait for that same check.
 * A database that stops answering is still seen within `freshMs` (1 s by default).
 */
export function sharedHealthProbe(check: () => Promise<unknown>, freshMs = 1000, now: () => number = () => performance.now()): () => Promise<boolean> {
  let last: { at: number; healthy: boolean } | null = null;
  let running: Promise<boolean> | null = null;
  return () => {
    if (last && now() - last.at < freshMs) return Promise.resolve(last.healthy);
    running ??= check().then(
      () => true,
      () => false,
    ).then((healthy) => {
      last = { at: now(), healthy };
      running = null;
      return healthy;
    });
    return running;
  };
}
