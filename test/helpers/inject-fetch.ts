export { injectFetch } from '../../src/platform/http/inject-fetch.ts';
