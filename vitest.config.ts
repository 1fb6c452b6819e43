import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (name: string, file: string): string =>
  fileURLToPath(new URL(`./packages/${name}/src/${file}.ts`, import.meta.url));
const pkg = (name: string): string => src(name, 'index');

// Tests import sibling packages from source so they never run against a stale dist/.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@berth\/api\/domain$/, replacement: src('api', 'domain') },
      { find: /^@berth\/api\/pki$/, replacement: src('api', 'pki/index') },
      { find: /^@berth\/api$/, replacement: pkg('api') },
      { find: /^@berth\/stack$/, replacement: pkg('stack') },
      { find: /^@berth\/agent$/, replacement: pkg('agent') },
      { find: /^@berth\/scheduler$/, replacement: pkg('scheduler') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
