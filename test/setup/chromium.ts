import chromium from '@sparticuz/chromium';

/**
 * The browser of the end-to-end tests comes from the npm registry (`@sparticuz/chromium`, a headless
 * Chromium inside the package), unpacked once before the test files start so that two workers never
 * unpack it at the same time; CHROMIUM_PATH points to another Chromium instead.
 */
export default async function setup(): Promise<void> {
  if (!process.env.CHROMIUM_PATH) process.env.CHROMIUM_PATH = await chromium.executablePath();
}
