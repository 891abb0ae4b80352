/**
 * The built-in fiscal stamp service, for every procedure that takes a timbre fiscal électronique.
 * `app.stamps` is the service (decorated in src/app.ts); pass `stampThrottleOf(request)` to
 * `check` from a page so that unknown numbers are rate-limited per session and IP.
 */
export { createStampService, type StampResult, type StampService, type StampThrottle } from './service.ts';
export { registerStampRoutes, stampThrottleOf } from './routes.tsx';
export { formatCents, parseStampNumber, groupDigits, STAMP_VALIDITY_MONTHS, STAMP_REFUND_MONTHS } from './model.ts';
export type { StampTables } from './tables.ts';
