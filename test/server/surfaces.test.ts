// retryPolicyFor: /v1 keeps retrying in replay (the recorded throttle → success sequence is replayed)
// but never sleeps between the attempts.
import { describe, expect, it } from "vitest";
import { withCassettes } from "../../src/cassettes/recorder.ts";
import { DEFAULT_CONFIG } from "../../src/config/defaults.ts";
import type { Config, Mode } from "../../src/config/types.ts";
import { retryPolicyFor } from "../../src/server/surfaces.ts";
import { withRetries } from "../../src/upstream/retry.ts";
import { ask, cassetteOptions, ctx, tempDir } from "../helpers/cassettes.ts";
import { upstreamResponse } from "../../src/upstream/result.ts";

const configFor = (mode: Mode): Config => ({ ...DEFAULT_CONFIG, mode });

describe("retryPolicyFor", () => {
  it("replay keeps the configured retries with zero backoff", () => {
    expect(retryPolicyFor(configFor("replay"))).toEqual({
      retries: DEFAULT_CONFIG.upstream.retries,
      baseDelayMs: 0,
      maxDelayMs: 0,
    });
  });

  it.each(["mock", "live", "record", "auto"] as const)("%s keeps the default backoff", (mode) => {
    expect(retryPolicyFor(configFor(mode))).toEqual({ retries: DEFAULT_CONFIG.upstream.retries });
  });

  it("a replayed throttle → success sequence is retried without waiting", async () => {
    const dir = tempDir();
    let calls = 0;
    const flaky = {
      invoke: () =>
        Promise.resolve(
          ++calls === 1
            ? upstreamResponse(
                500,
                { "retry-after": "5" },
                '{"error": "Bedrock error: ThrottlingException: Too many requests, please wait."}',
              )
            : upstreamResponse(
                200,
                {},
                '{"content":[],"usage":{"input_tokens":1,"output_tokens":0},"metadata":{}}',
              ),
        ),
      close: () => Promise.resolve(),
    };
    const recorder = withCassettes(flaky, cassetteOptions(dir, "record"));
    await recorder.invoke(ask("x"), ctx());
    await recorder.invoke(ask("x"), ctx());
    await recorder.close();

    const waits: number[] = [];
    const player = withRetries(withCassettes(flaky, cassetteOptions(dir, "replay")), {
      ...retryPolicyFor(configFor("replay")),
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    expect((await player.invoke(ask("x"), ctx())).status).toBe(200);
    expect(waits).toEqual([0]);
    expect(calls).toBe(2);
  });
});
