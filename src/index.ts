// The package's public API: in-process use for tests and CI fixture servers (CONTRACT §1).
export {
  startGateway,
  listenGateway,
  type Gateway,
  type GatewayStubs,
  type StartGatewayOptions,
} from "./server/gateway.ts";
export type { JournalEntry, JournalFilter } from "./http/journal.ts";
export type { StubDefinition, StubView, ScriptReply, ScriptMatch, ScriptToolCall } from "./upstream/stubs.ts";
export { createApp, type App, type AppDeps } from "./server/app.ts";
export { loadConfig, ConfigError, type LoadConfigOptions } from "./config/load.ts";
export type { Config, ConfigOverrides, Mode } from "./config/types.ts";
export { ManualClock, systemClock, type Clock } from "./shared/clock.ts";
export { GatewayError } from "./shared/errors.ts";
export type {
  UpstreamClient,
  InvokeRequest,
  InvokeResponse,
  InvokeContext,
  UpstreamResponse,
  UpstreamAnswer,
  UpstreamFailure,
} from "./upstream/types.ts";
/** What a custom UpstreamClient builds its results with (classified like every built-in upstream's). */
export { upstreamResponse, answeredResponse, jsonResponse } from "./upstream/result.ts";
export type { BedrockChatCompletion, BedrockMetadata } from "./translation/extensions.ts";
export type { RemainingQuota } from "./shared/remaining-quota.ts";
