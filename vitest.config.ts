import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    // The JSON report gives .ci/run its "N passed, N failed" line.
    reporters: ["default", ["json", { outputFile: ".vitest-report.json" }]],
    // Servers in tests bind 127.0.0.1:0; a few suites spawn the CLI, so give slow CI machines room.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
