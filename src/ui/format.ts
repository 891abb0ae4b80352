// Dates are formatted in platform/format-date.ts: services and letters write them too, and a service
// imports nothing from ui/. Pages keep importing them from here.
export { formatDate, formatDateTime, formatShortDateTime, formatWindow } from '../platform/format-date.ts';
