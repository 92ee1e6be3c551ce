import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Integration tests start sandboxes and child processes; two cores go further one file at a time per core.
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/contract/**/*.test.ts"],
          // These files run in-process against the code under test and leave no state behind them
          // (no environment, global, timer or module mocks outside a test's own try/finally), so a
          // worker keeps its loaded modules from one file to the next instead of loading the whole
          // code base again for each: about half the CPU of these files went to that.
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          // They run the built CLI: build it first (global-setup.ts).
          globalSetup: ["test/support/global-setup.ts"],
        },
      },
    ],
  },
});
