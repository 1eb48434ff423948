import { defineConfig } from 'vitest/config';

// Tests live under test/, mirroring the source tree. End-to-end tests start real servers,
// so they get generous timeouts; property tests print their seed on failure. Each run works in
// its own temporary root, removed at the end (test/global-tmp.ts; PYRALOG_KEEP_TEST_TMP=1 keeps it).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/global-tmp.ts'],
  },
});
