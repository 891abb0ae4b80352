import { sharedRead } from '../shared-read.ts';

/**
 * The database check behind `GET /healthz`, shared by every caller (shared-read.ts). `/healthz` is
 * always served (the waiting room lets it through: load balancers must see a busy node as alive), so
 * a query per call would let anyone turn a flood of probes into a flood of database queries. A
 * failure is an answer like a success, kept as long: a database that stops answering, or comes back,
 * is seen within `freshMs` (1 s by default).
 */
export function sharedHealthProbe(check: () => Promise<unknown>, freshMs = 1000, now: () => number = () => performance.now()): () => Promise<boolean> {
  const probe = sharedRead(
    () =>
      check().then(
        () => true,
        () => false,
      ),
    freshMs,
    now,
  );
  return () => probe.get();
}
