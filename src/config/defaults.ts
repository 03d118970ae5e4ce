// The built-in defaults: the last layer of CLI flag > env > file > default. config.yaml repeats them
// with comments; a test keeps the two in step.
import type { Config } from "./types.ts";

/** The participant guide's endpoint. */
export const GUIDE_ENDPOINT = "https://ctwa92wg1b.execute-api.us-east-1.amazonaws.com/prod/invoke";

export const DEFAULT_CONFIG: Config = {
  mode: "mock",
  server: {
    host: "127.0.0.1",
    port: 8787,
    api_keys: [],
    admin_key: null,
    allowed_origins: [],
    body_limit_bytes: 6 * 1024 * 1024,
    log_level: "info",
    shutdown_timeout_ms: 10_000,
    journal_size: 200,
  },
  upstream: {
    kind: "live",
    url: GUIDE_ENDPOINT,
    team_id: null,
    api_token: null,
    timeout_ms: 120_000,
    retries: 2,
  },
  replay: { strict: false },
  recording: {
    dir: "fixtures/cassettes",
    cassette: "default",
    ignore_fields: [],
    redact_patterns: [],
  },
  mock: {
    seed: 0,
    teams: [{ team_id: "demo", api_token: "demo-token", budget_limit: 50 }],
    state: "memory",
    clock: "real",
    time_scale: 1,
    latency: { base_ms: 0, per_output_token_ms: 0 },
    stream_tokens_per_second: 0,
    faults: {
      throttle: 0,
      timeout: 0,
      server_error: 0,
      reset: 0,
      malformed: 0,
      cut: 0,
      stream_error: 0,
      stall: 0,
      stream_after: 3,
      stall_ms: 1000,
    },
    scripts: [],
    backend: null,
  },
  models: {
    aliases: {},
  },
  translation: {
    system_prompt: "fold",
    tool_emulation: false,
    max_n: 8,
  },
  alerts: {
    enabled: true,
    thresholds: [50, 80, 95],
    webhook_url: null,
    webhook_timeout_ms: 5_000,
  },
};
