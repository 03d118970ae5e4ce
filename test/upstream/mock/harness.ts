// An in-process gateway in mock mode for supertest: the real composition (createUpstream,
// createSurfaces, createApp) with a manual clock and silent logs.
import { loadConfig } from "../../../src/config/load.ts";
import type { Config, ConfigOverrides } from "../../../src/config/types.ts";
import { createApp, type App } from "../../../src/server/app.ts";
import { createSurfaces } from "../../../src/server/surfaces.ts";
import { createUpstream, type UpstreamStack } from "../../../src/server/upstream.ts";
import { ManualClock } from "../../../src/shared/clock.ts";
import { sequentialIds } from "../../../src/shared/ids.ts";
import { createLogger } from "../../../src/shared/logger.ts";
import { createMetrics } from "../../../src/shared/metrics.ts";

export const HAIKU3 = "us.anthropic.claude-3-haiku-20240307-v1:0";
export const TEAMS = [
  { team_id: "team_the_great_hack_2025_022", api_token: "tok-022", budget_limit: 50 },
  {
    team_id: "tutorials_api",
    api_token: "tok-tutorials",
    budget_limit: 50,
    allowed_models: ["us.anthropic.claude-3-5-haiku-20241022-v1:0"],
  },
  { team_id: "Jiaqi", api_token: "tok-jiaqi", budget_limit: 0.0001 },
];
export const TEAM = TEAMS[0]!;

export interface Harness {
  app: App;
  stack: UpstreamStack;
  clock: ManualClock;
  config: Readonly<Config>;
}

export function mockApp(overrides: ConfigOverrides = {}): Harness {
  const { config } = loadConfig({
    implicitFile: false,
    env: {},
    overrides: {
      ...overrides,
      server: { log_level: "silent", ...overrides.server },
      mock: { teams: TEAMS, ...overrides.mock },
    },
  });
  const clock = new ManualClock(Date.UTC(2025, 10, 10, 23, 0, 0));
  const logger = createLogger("silent");
  const metrics = createMetrics();
  const ids = sequentialIds();
  const stack = createUpstream({ config, clock, ids, logger, metrics });
  const surfaces = createSurfaces({ config, stack, logger, metrics, ids, clock });
  const app = createApp({ config, upstream: stack.upstream, logger, metrics, ids, clock, ...surfaces });
  return { app, stack, clock, config };
}

/** A minimal valid invoke body with body credentials, as the guide's fixed examples send it. */
export function invokeBody(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    team_id: TEAM.team_id,
    api_token: TEAM.api_token,
    model: HAIKU3,
    messages: [{ role: "user", content: "Hi! What is 2+2?" }],
    max_tokens: 1024,
    ...extra,
  };
}
