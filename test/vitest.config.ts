import { defineConfig } from "vitest/config";

/**
 * Every test file runs on embedded PGlite, and again on real Postgres when TEST_DATABASE_URL
 * is set (each file then gets a fresh database on that server).
 */
const projects = [
  { extends: true as const, test: { name: "pglite", env: { TEST_DB: "pglite" } } },
  ...(process.env.TEST_DATABASE_URL
    ? [{ extends: true as const, test: { name: "postgres", env: { TEST_DB: "postgres" } } }]
    : []),
];

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "src/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    setupFiles: ["test/setup.ts"],
    projects,
  },
});
