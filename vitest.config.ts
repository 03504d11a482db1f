import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Node loads graphql's CommonJS index.js (Pothos and graphql-yoga get that copy); vitest would
  // resolve a bare `graphql` to index.mjs, and two copies fail each other's instanceof checks.
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    include: ['test/**/*.test.ts'],
    // Crash and server tests spawn child processes; give them room on a shared 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
