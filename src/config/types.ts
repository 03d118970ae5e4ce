// The configuration, with the same snake_case keys as config.yaml: the documented names are the ones
// users type, and validation errors point at them verbatim.

export const MODES = ["mock", "live", "record", "replay", "auto"] as const;
export type Mode = (typeof MODES)[number];

export const UPSTREAM_KINDS = ["live", "mock"] as const;
export type UpstreamKind = (typeof UPSTREAM_KINDS)[number];

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface MockTeamConfig {
  team_id: string;
  api_token: string;
  budget_limit: number;
  /** Model ids the team may call; absent or empty = every model. */
  allowed_models?: string[];
}

export interface FaultRates {
  throttle: number;
  timeout: number;
  server_error: number;
  reset: number;
  malformed: number;
  /** Mid-stream faults: the stream drops, ends with an error event, or pauses after `stream_after` events. */
  cut: number;
  stream_error: number;
  stall: number;
  stream_after: number;
  stall_ms: number;
}

export interface ScriptToolCall {
  name: string;
  input: Record<string, unknown>;
}

/** What any reply may add: a pause before it is sent, and a mid-stream fault for the faces' streams. */
export interface ScriptReplyExtras {
  delay_ms?: number;
  /** `cut:<n>`, `error:<n>` or `stall:<n>:<ms>` (CONTRACT §5 "Mid-stream faults"). */
  fault?: string;
}

/** A scripted answer: text, one or several tool calls (optionally after some text), or a raw error. */
export type ScriptReply = (
  | { text: string }
  | { tool_call: ScriptToolCall }
  | { tool_calls: ScriptToolCall[]; text?: string }
  | { error: { status: number; body: unknown } }
) &
  ScriptReplyExtras;

export interface ScriptMatch {
  model?: string;
  team?: string;
  last_user?: string;
  tool?: string;
}

/** `mock.backend`: an OpenAI-compatible server that writes the text of mock answers. */
export interface MockBackendConfig {
  /** Base URL up to `/v1`, e.g. http://127.0.0.1:11434/v1 (Ollama). */
  url: string;
  model: string;
  /** Default 30000. */
  timeout_ms?: number;
}

/** A scripted simulator reply (WireMock-style stub): first matching rule wins. */
export interface ScriptRule {
  match: ScriptMatch;
  reply: ScriptReply;
}

export interface Config {
  mode: Mode;
  server: {
    host: string;
    port: number;
    api_keys: string[];
    admin_key: string | null;
    /** Browser origins (besides loopback ones) allowed to call the gateway, e.g. "https://app.example". */
    allowed_origins: string[];
    body_limit_bytes: number;
    log_level: LogLevel;
    shutdown_timeout_ms: number;
    /** Entries kept by the request journal (GET /admin/requests); 0 turns it off. */
    journal_size: number;
  };
  upstream: {
    kind: UpstreamKind;
    url: string;
    team_id: string | null;
    api_token: string | null;
    timeout_ms: number;
    retries: number;
  };
  replay: {
    /** A request whose recordings are used up fails (404) instead of repeating the last one. */
    strict: boolean;
  };
  recording: {
    dir: string;
    cassette: string;
    ignore_fields: string[];
    redact_patterns: string[];
  };
  mock: {
    seed: number;
    teams: MockTeamConfig[];
    state: string;
    clock: "real" | "manual";
    time_scale: number;
    latency: { base_ms: number; per_output_token_ms: number };
    stream_tokens_per_second: number;
    faults: FaultRates;
    scripts: ScriptRule[];
    backend: MockBackendConfig | null;
  };
  models: {
    aliases: Record<string, string>;
  };
  translation: {
    system_prompt: "fold" | "top_level";
    tool_emulation: boolean;
    max_n: number;
  };
  /** Budget alerts (CONTRACT §6): a warning per team when budget_usage_percent crosses a threshold. */
  alerts: {
    enabled: boolean;
    /** Percentages of budget_usage_percent, each reported once per team. */
    thresholds: number[];
    /** Where each alert is POSTed as JSON; null = log only. */
    webhook_url: string | null;
    webhook_timeout_ms: number;
  };
}

/** Every key optional, recursively: the shape of overrides. Arrays are replaced whole. */
export type DeepPartial<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> }
    : T;

export type ConfigOverrides = DeepPartial<Config>;

/**
 * True when the simulator answers (mock mode, or record/replay/auto sitting on it with
 * `upstream.kind: mock`): a fact of the configuration, so every layer reads it from here.
 */
export function simulatorAnswers(config: Readonly<Pick<Config, "mode" | "upstream">>): boolean {
  return config.mode === "mock" || (config.mode !== "live" && config.upstream.kind === "mock");
}
