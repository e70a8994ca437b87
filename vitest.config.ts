import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // `*.postgres.test.ts` need a PostgreSQL server (two processes sharing one database): run only
    // with DATABASE_URL (.ci/run's PostgreSQL pass), never reported as skipped without one
    exclude: [
      "**/node_modules/**",
      ...((process.env.DATABASE_URL ?? "") === "" ? ["test/**/*.postgres.test.ts"] : []),
    ],
    environment: "node",
    setupFiles: ["test/setup/network.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // vitest's default (cores − 1) is one worker on a 2-core machine; many files wait on child
    // processes, sockets and the database, so two workers there take the suite from ~230 s to ~160 s
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
