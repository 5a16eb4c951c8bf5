import { defineConfig } from 'vitest/config';

// The browser-side projects run their component and unit tests with Vitest (jsdom, Vite's
// transforms); everything else runs in the one Jest of jest.config.js. npm test runs both.
export default defineConfig({
  test: {
    projects: ['apps/web/vite.config.mts', 'libs/api-client/vite.config.mts'],
  },
});
