import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string): string =>
  fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// Tests import sibling packages from source so they never run against a stale dist/.
export default defineConfig({
  resolve: {
    alias: {
      '@berth/api': pkg('api'),
      '@berth/stack': pkg('stack'),
      '@berth/agent': pkg('agent'),
      '@berth/scheduler': pkg('scheduler'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
