import { startClockAt } from '../../src/platform/time.ts';

/**
 * Every test file starts the app clock at a fixed instant (Paris time), never the day the suite
 * runs: APP_CLOCK_START moves it (e.g. `APP_CLOCK_START=2027-12-31T23:59 npm run test:unit`).
 */
export const TEST_CLOCK_START = process.env.APP_CLOCK_START || '2026-12-01T10:00';
startClockAt(TEST_CLOCK_START);
