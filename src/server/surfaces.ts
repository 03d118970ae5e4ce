// createSurfaces(deps): the routers and hot routes each mode serves, beside /healthz and /metrics. The only place
// that decides which HTTP surfaces exist; each feature adds its router here.
import type { Router } from "express";
import { simulatorAnswers, type Config } from "../config/types.ts";
import { cassetteLister } from "../budget/cassettes.ts";
import { dashboardRouter } from "../dashboard/router.ts";
import { bedrockRoutes } from "../faces/bedrock/route.ts";
import { awsUnknownOperationRouter } from "../faces/bedrock/unknown.ts";
import { adminRouter } from "../http/admin.ts";
import { countFaceRequests } from "../http/face-count.ts";
import { controlsRouter } from "../http/controls.ts";
import { RequestJournal } from "../http/journal.ts";
import { gpuRouter } from "../http/gpu.ts";
import type { HotRoute } from "../http/exchange.ts";
import { invokePreflightRouter, invokeRoute } from "../http/invoke.ts";
import { quotaRouter } from "../http/quota.ts";
import { openAISurface } from "../http/v1.ts";
import { responsesRoute } from "../faces/responses/route.ts";
import { responsesRouter } from "../faces/responses/router.ts";
import { createResponseStore, type ResponseStore } from "../faces/responses/store.ts";
import { anthropicModelsRouter } from "../faces/anthropic/models.ts";
import { messagesRoutes, rootProbeRouter } from "../faces/anthropic/route.ts";
import { createModelResolver } from "../models/catalog.ts";
import { billedInputTokens } from "../upstream/mock/tool-prompt.ts";
import { withRetries, type RetryOptions } from "../upstream/retry.ts";
import type { AppDeps } from "./app.ts";
import type { GatewayStack } from "./upstream.ts";

/**
 * How /v1 retries. Replay keeps the retries (they replay the recorded throttle → success sequence) but
 * not the backoff: waiting for a cassette to "recover" is only lost time.
 */
export function retryPolicyFor(config: Readonly<Config>): RetryOptions {
  const retries = config.upstream.retries;
  return config.mode === "replay" ? { retries, baseDelayMs: 0, maxDelayMs: 0 } : { retries };
}

export type SurfaceDeps = Omit<AppDeps, "routers" | "routes" | "upstream" | "journal"> & {
  stack: GatewayStack;
};

export interface Surfaces {
  routers: Router[];
  routes: HotRoute[];
  /** What the hot lane notes every face's requests in, and /admin/requests reads. */
  journal: RequestJournal;
}

/** Stored Responses API answers, kept in the simulator's state file when it has one. */
function responseStore(stack: GatewayStack): ResponseStore {
  let changed = (): void => {};
  const store = createResponseStore({ onChange: () => changed() });
  const accounting = stack.accounting;
  if (accounting?.statePath != null) {
    changed = accounting.persist({
      key: "responses",
      toJSON: () => store.toJSON(),
      restore: (saved) => store.restore(saved),
    });
  }
  return store;
}

export function createSurfaces(deps: SurfaceDeps): Surfaces {
  const { stack, config } = deps;
  const models = createModelResolver(config.models.aliases);
  // /v1 retries retryable upstream failures (whatever the mode, so X-Mock-Fault reaches every attempt,
  // CONTRACT §5); /prod/invoke stays a faithful proxy and passes failures on as they came.
  const retrying = withRetries(stack.upstream, retryPolicyFor(config));
  // Streams of finished answers are paced only while the simulator answers (it has no real latency).
  const streamTokensPerSecond = simulatorAnswers(config) ? config.mock.stream_tokens_per_second : 0;
  const faceDeps = { ...deps, upstream: retrying, models, streamTokensPerSecond };
  const openAI = openAISurface(faceDeps);
  const store = responseStore(stack);
  const routes = countFaceRequests(
    [
      ...openAI.routes,
      ...messagesRoutes({ ...faceDeps, countInputTokens: billedInputTokens }),
      responsesRoute({ ...faceDeps, store }),
      invokeRoute({ upstream: stack.upstream }),
      ...bedrockRoutes({ ...faceDeps, countInputTokens: billedInputTokens }),
    ],
    deps.metrics.faceRequests,
  );
  const routers = [
    rootProbeRouter(),
    anthropicModelsRouter(models), // before the OpenAI list: answers only requests with anthropic-version
    openAI.router,
    responsesRouter({ config, store }),
    invokePreflightRouter(),
  ];
  routers.push(
    dashboardRouter({
      board: stack.board,
      cassettes: cassetteLister(config.recording),
      adminKey: config.server.admin_key,
      ...(stack.accounting === undefined ? {} : { gpu: stack.accounting.gpu }),
    }),
  );
  const journal = new RequestJournal(config.server.journal_size, deps.clock);
  const controls = { adminKey: config.server.admin_key, journal };
  routers.push(
    controlsRouter({
      ...controls,
      ...(stack.stubs === undefined ? {} : { stubs: stack.stubs }),
      ...(stack.unusedRecordings === undefined ? {} : { unusedRecordings: stack.unusedRecordings }),
    }),
  );
  if (stack.quota !== undefined) routers.push(quotaRouter({ config, quota: stack.quota }));
  if (stack.accounting !== undefined && stack.quota !== undefined) {
    const quota = stack.quota;
    routers.push(
      gpuRouter({ config, gpu: stack.accounting.gpu, authenticate: (c) => quota.authenticate(c) }),
    );
    routers.push(adminRouter({ admin: stack.accounting.admin, adminKey: config.server.admin_key }));
  }
  routers.push(awsUnknownOperationRouter()); // last: only requests no router above served
  return { routers, routes, journal };
}
