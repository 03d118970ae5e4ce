import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../src/config/defaults.ts";
import type { Config, Mode } from "../../src/config/types.ts";
import { createUpstream } from "../../src/server/upstream.ts";
import { ManualClock } from "../../src/shared/clock.ts";
import { randomIds } from "../../src/shared/ids.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { createMetrics } from "../../src/shared/metrics.ts";
import { ask, ctx, tempDir } from "../helpers/cassettes.ts";

function stack(mode: Mode, dir: string) {
  const config: Config = { ...DEFAULT_CONFIG, mode, recording: { ...DEFAULT_CONFIG.recording, dir } };
  return createUpstream({
    config,
    clock: new ManualClock(),
    ids: randomIds,
    logger: createLogger("silent"),
    metrics: createMetrics(),
  });
}

describe("createUpstream: cassette modes", () => {
  it("replay answers from cassettes only: a miss is cassette_miss, never the network", async () => {
    const { upstream } = stack("replay", tempDir());
    await expect(upstream.invoke(ask("x"), ctx())).rejects.toMatchObject({
      status: 404,
      code: "cassette_miss",
    });
    await upstream.close();
  });

  it("record and auto wrap the base upstream and validate X-Cassette names", async () => {
    for (const mode of ["record", "auto"] as const) {
      const { upstream } = stack(mode, tempDir());
      await expect(upstream.invoke(ask("x"), ctx("t", "k", { cassette: "../up" }))).rejects.toMatchObject({
        status: 400,
        code: "invalid_cassette_name",
      });
      await upstream.close();
    }
  });
});
