import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// A folder of static files: runtime settings come from /config.json, so one build deploys anywhere.
export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/apps/web',
  plugins: [react()],
  // @starchart/api-client resolves through the paths of tsconfig.base.json.
  resolve: { tsconfigPaths: true },
  server: { port: 3001, host: '127.0.0.1' },
  preview: { port: 3001, host: '127.0.0.1' },
  build: {
    outDir: '../../dist/apps/web',
    emptyOutDir: true,
    reportCompressedSize: true,
    sourcemap: true,
  },
  test: {
    name: 'web',
    environment: 'jsdom',
    include: ['src/**/*.spec.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
  },
});
