// JSON Schema of the configuration. Unknown keys are errors everywhere (additionalProperties: false)
// so a typo in config.yaml stops startup instead of being silently ignored.
import { LOG_LEVELS, MODES, UPSTREAM_KINDS } from "./types.ts";

type Schema = Record<string, unknown>;

const object = (
  properties: Record<string, Schema>,
  required: string[] = Object.keys(properties),
): Schema => ({
  type: "object",
  additionalProperties: false,
  properties,
  required,
});
const integer = (minimum: number, maximum?: number): Schema =>
  maximum === undefined ? { type: "integer", minimum } : { type: "integer", minimum, maximum };
const string: Schema = { type: "string" };
const nonEmpty: Schema = { type: "string", minLength: 1 };
const nullableString: Schema = { type: ["string", "null"] };
const rate: Schema = { type: "number", minimum: 0, maximum: 1 };
const stringList: Schema = { type: "array", items: nonEmpty };

const match: Schema = object({ model: string, team: string, last_user: string, tool: string }, []);
const toolCall: Schema = object({ name: nonEmpty, input: { type: "object" } });
/** Every reply kind may add a pause and a mid-stream fault. */
const extras: Record<string, Schema> = {
  delay_ms: integer(0, 600_000),
  fault: { type: "string", pattern: "^(cut:\\d{1,6}|error:\\d{1,6}|stall:\\d{1,6}:\\d{1,6})$" },
};
const replyOf = (properties: Record<string, Schema>, required: string[]): Schema =>
  object({ ...properties, ...extras }, required);
export const SCRIPT_REPLY_SCHEMA: Schema = {
  oneOf: [
    replyOf({ text: string }, ["text"]),
    replyOf({ tool_call: toolCall }, ["tool_call"]),
    replyOf({ tool_calls: { type: "array", minItems: 1, items: toolCall }, text: string }, ["tool_calls"]),
    replyOf({ error: object({ status: integer(400, 599), body: {} }) }, ["error"]),
  ],
};
export const SCRIPT_MATCH_SCHEMA = match;
const scriptRule: Schema = object({ match, reply: SCRIPT_REPLY_SCHEMA }, ["reply"]);

export const CONFIG_SCHEMA: Schema = object({
  mode: { enum: [...MODES] },
  server: object({
    host: nonEmpty,
    port: integer(0, 65535),
    api_keys: stringList,
    admin_key: nullableString,
    allowed_origins: stringList,
    body_limit_bytes: integer(1024),
    log_level: { enum: [...LOG_LEVELS] },
    shutdown_timeout_ms: integer(0),
    journal_size: integer(0, 100_000),
  }),
  upstream: object({
    kind: { enum: [...UPSTREAM_KINDS] },
    url: { type: "string", pattern: "^https?://" },
    team_id: nullableString,
    api_token: nullableString,
    timeout_ms: integer(1),
    retries: integer(0, 10),
  }),
  replay: object({ strict: { type: "boolean" } }),
  recording: object({
    dir: nonEmpty,
    cassette: { type: "string", pattern: "^(?!/)(?!.*\\.\\.)[A-Za-z0-9._/-]+$" },
    ignore_fields: stringList,
    redact_patterns: stringList,
  }),
  mock: object({
    seed: integer(0),
    teams: {
      type: "array",
      minItems: 1,
      items: object(
        {
          team_id: nonEmpty,
          api_token: nonEmpty,
          budget_limit: { type: "number", minimum: 0 },
          allowed_models: stringList,
        },
        ["team_id", "api_token", "budget_limit"],
      ),
    },
    state: nonEmpty,
    clock: { enum: ["real", "manual"] },
    time_scale: { type: "number", exclusiveMinimum: 0 },
    latency: object({ base_ms: integer(0), per_output_token_ms: { type: "number", minimum: 0 } }),
    stream_tokens_per_second: { type: "number", minimum: 0 },
    faults: object({
      throttle: rate,
      timeout: rate,
      server_error: rate,
      reset: rate,
      malformed: rate,
      cut: rate,
      stream_error: rate,
      stall: rate,
      stream_after: integer(0, 100_000),
      stall_ms: integer(0, 600_000),
    }),
    scripts: { type: "array", items: scriptRule },
    backend: {
      oneOf: [
        { type: "null" },
        object({ url: { type: "string", pattern: "^https?://" }, model: nonEmpty, timeout_ms: integer(1) }, [
          "url",
          "model",
        ]),
      ],
    },
  }),
  models: object({
    aliases: { type: "object", additionalProperties: nonEmpty },
  }),
  translation: object({
    system_prompt: { enum: ["fold", "top_level"] },
    tool_emulation: { type: "boolean" },
    max_n: integer(1, 128),
  }),
  alerts: object({
    enabled: { type: "boolean" },
    thresholds: {
      type: "array",
      items: { type: "number", exclusiveMinimum: 0, maximum: 100 },
      uniqueItems: true,
    },
    webhook_url: { type: ["string", "null"], pattern: "^https?://" },
    webhook_timeout_ms: integer(1),
  }),
});
