// createSimulator(deps): the offline Bedrock Proxy API as an UpstreamClient (STYLE.md "one seam").
// The walk mirrors the real service: credentials (401) → body (400) → allow-list (403) → budget (429)
// → faults → Bedrock's own checks (500) → scripted or generated answer → charge the budget → reply.
// Every refusal is an UpstreamResponse with the proxy's exact body. Only two things throw: the `reset`
// fault (`upstreamReset()`, which /prod/invoke turns into a dropped socket) and a caller hanging up
// during simulated latency (499, nothing charged).
import { setImmediate as nextTurn, setTimeout as sleep } from "node:timers/promises";
import type { Budget } from "../../accounting/types.ts";
import { llmCost, roundCost } from "../../accounting/pricing.ts";
import type { Config, MockTeamConfig } from "../../config/types.ts";
import { findModel, type ModelInfo } from "../../models/catalog.ts";
import type { Clock } from "../../shared/clock.ts";
import type { IdSource } from "../../shared/ids.ts";
import type { Logger } from "../../shared/logger.ts";
import { clientClosed, upstreamReset } from "../errors.ts";
import type { QuotaService } from "../quota.ts";
import type {
  InvokeContentBlock,
  InvokeContext,
  InvokeRequest,
  InvokeResponse,
  UpstreamClient,
  UpstreamResponse,
} from "../types.ts";
import { answer, type Answer } from "./answers.ts";
import { createBackend } from "./backend.ts";
import { lastUserText } from "./conversation.ts";
import { faultDraw, parseFault, type Fault } from "./faults.ts";
import { LRUCache } from "lru-cache";
import { base62Text, createRng, digestOf, type Rng } from "./random.ts";
import * as reply from "./replies.ts";
import { conversationProblem } from "./conversation-rules.ts";
import {
  bedrockProblem,
  blockProblem,
  contextProblem,
  shapeProblem,
  structuredSchema,
} from "./request-checks.ts";
import { createSchemaFaker } from "./schema-data.ts";
import { compileScripts, type ScriptReply } from "./scripts.ts";
import type { StubMatcher } from "./stubs.ts";
import type { TeamDirectory } from "./teams.ts";
import { countOutputTokens } from "./tokens.ts";
import { billedInputTokens } from "./tool-prompt.ts";

export interface SimulatorDeps {
  config: Readonly<Config>;
  clock: Clock;
  ids: IdSource;
  /** The teams' money (GPU time settled before every read or charge). */
  budget: Budget;
  teams: TeamDirectory;
  logger: Logger;
  /** Run-time stubs (POST /admin/stubs), tried before `mock.scripts`. */
  stubs?: StubMatcher;
}

export type Simulator = UpstreamClient & QuotaService;

interface Prepared {
  inputTokens: number;
  outcome: Answer | UpstreamResponse;
  /** The request digest's seed (the answer and the made-up latency draw from it). */
  seed: number;
}

/**
 * Requests whose JSON is at most this long are cached under that text itself, so a repeated request
 * skips the SHA-256 (bounds the keys to ~2 MB in all); longer ones under their digest. A digest
 * (base64url) never starts with "{", a request's JSON always does: the two kinds of key cannot meet.
 */
const TEXT_KEY_MAX_CHARS = 1024;
/** A request this long (as JSON) is answered a turn of the event loop after it is read. */
const LARGE_REQUEST_CHARS = 64 * 1024;

/** Only answers up to this size are cached (bounds the cache to a few MB). */
const CACHED_ANSWER_MAX_TOKENS = 1500;

function allowed(team: MockTeamConfig, requested: string): boolean {
  const list = team.allowed_models;
  if (list === undefined || list.length === 0) return true;
  const target = findModel(requested)?.id ?? requested;
  return list.some((entry) => entry === requested || (findModel(entry)?.id ?? entry) === target);
}

/** The answer a script or stub reply gives (its delay and stream fault are the caller's business). */
function scripted(script: ScriptReply, rng: Rng, maxTokens: number): Answer | UpstreamResponse {
  if ("error" in script) return reply.jsonReply(script.error.status, script.error.body);
  const content: InvokeContentBlock[] = [];
  if ("text" in script && script.text !== undefined) content.push({ type: "text", text: script.text });
  const calls = "tool_calls" in script ? script.tool_calls : "tool_call" in script ? [script.tool_call] : [];
  for (const call of calls) {
    content.push({
      type: "tool_use",
      id: `toolu_bdrk_01${base62Text(rng, 22)}`,
      name: call.name,
      input: call.input,
    });
  }
  const outputTokens = countOutputTokens(content);
  return { content, outputTokens: calls.length > 0 ? Math.min(outputTokens, maxTokens) : outputTokens };
}

/** Simulated upstream time; a client that hangs up meanwhile is not charged. */
async function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, signal === undefined ? {} : { signal });
  } catch (error) {
    if ((error as { name?: unknown }).name !== "AbortError") throw error;
    throw clientClosed(error);
  }
}

/** The answer a fault replaces the call with (`slow` only delays it: undefined). */
function faultReply(fault: Fault): UpstreamResponse | undefined {
  switch (fault.kind) {
    case "throttle":
      return reply.throttled();
    case "timeout":
      // Answered at once: the real gateway waits ~29.5 s first, which no test wants to.
      return reply.gatewayTimeout();
    case "500":
      return reply.internalServerError();
    case "reset":
      throw upstreamReset();
    case "malformed":
      return reply.malformedReply();
    case "slow":
    case "stream":
      return undefined;
  }
}

export function createSimulator(deps: SimulatorDeps): Simulator {
  const { config, budget, teams, logger } = deps;
  const mock = config.mock;
  const faker = createSchemaFaker();
  const scripts = compileScripts(mock.scripts);
  const drawFault = faultDraw(mock.faults, mock.seed);
  const answers = new LRUCache<string, Prepared>({ max: 1024 });
  const backend = mock.backend === null ? undefined : createBackend(mock.backend, faker, mock.seed);

  /** The local model's words in a generated answer (never in a scripted one). */
  async function written(
    request: InvokeRequest,
    team: MockTeamConfig,
    result: Answer,
    context: InvokeContext,
  ): Promise<Answer> {
    if (backend === undefined || scripts.match(request, team.team_id, lastUserText(request)) !== undefined)
      return result;
    const format = request.response_format;
    const schema = format === undefined || format === null ? undefined : structuredSchema(format);
    return backend.rewrite(request, result, schema, context.signal);
  }

  /** Bedrock checks, then the scripted or generated answer. */
  function respond(
    request: InvokeRequest,
    team: MockTeamConfig,
    model: ModelInfo,
    rng: Rng,
  ): Answer | UpstreamResponse {
    const problem = bedrockProblem(request, model) ?? conversationProblem(request, model);
    if (problem !== undefined) return problem;
    const script = scripts.match(request, team.team_id, lastUserText(request));
    if (script !== undefined) return scripted(script, rng, request.max_tokens);
    return answer(request, model, rng, faker);
  }

  function success(
    request: InvokeRequest,
    context: InvokeContext,
    team: MockTeamConfig,
    model: ModelInfo,
    result: Answer,
    inputTokens: number,
    latencyMs: number,
  ): UpstreamResponse {
    const cost = llmCost(model, inputTokens, result.outputTokens);
    const total = inputTokens + result.outputTokens;
    const quota = budget.chargeLlm(team.team_id, cost, total);
    // Key order is part of the contract: content, usage, metadata (PROXY.md "Success response").
    const body: InvokeResponse = {
      content: result.content,
      usage: { input_tokens: inputTokens, output_tokens: result.outputTokens, total_tokens: total },
      metadata: {
        team_id: context.credentials?.teamId ?? team.team_id,
        model: request.model,
        cost_usd: roundCost(cost),
        latency_ms: Math.round(latencyMs * 100) / 100,
        remaining_quota: quota,
      },
    };
    return reply.answerReply(body);
  }

  /** The proxy's own gate: credentials, body, fault header, allow-list, budget — in that order. */
  function admit(
    request: InvokeRequest,
    context: InvokeContext,
  ): { team: MockTeamConfig; forced: Fault | undefined } | UpstreamResponse {
    const team = teams.authenticate(context.credentials);
    if (team === undefined) return reply.unauthorized();
    if (request === null || typeof request !== "object" || Array.isArray(request))
      return reply.badRequest("The request body must be a JSON object");
    const shape = shapeProblem(request);
    if (shape !== undefined) return reply.badRequest(shape);
    const forced = parseFault(context.fault);
    if (typeof forced === "string") return reply.badRequest(forced);
    if (!allowed(team, request.model)) return reply.modelNotAllowed(request.model);
    if (budget.exhausted(team.team_id)) return reply.budgetExhausted(budget.quota(team.team_id));
    return { team, forced };
  }

  /**
   * Answers are a pure function of team, request and seed: a repeated request is answered from the
   * cache under this key, without the tokenizer (and without waiting a turn).
   */
  function answerKey(
    team: MockTeamConfig,
    text: string,
  ): { key: string; digest: ReturnType<typeof digestOf> | undefined } {
    const digest = text.length <= TEXT_KEY_MAX_CHARS ? undefined : digestOf(mock.seed, text);
    return { key: `${team.team_id}\0${digest === undefined ? text : digest.key}`, digest };
  }

  /** A new answer (counted, generated and cached under `key`). */
  async function generate(
    request: InvokeRequest,
    team: MockTeamConfig,
    model: ModelInfo,
    digest: ReturnType<typeof digestOf>,
    key: string,
  ): Promise<Prepared> {
    // Claude's tool-use system prompt is billed as input, as Anthropic documents.
    const inputTokens = await billedInputTokens(request, model);
    const prepared: Prepared = {
      inputTokens,
      outcome: contextProblem(model, inputTokens) ?? respond(request, team, model, createRng(digest.seed)),
      seed: digest.seed,
    };
    if (!("content" in prepared.outcome) || prepared.outcome.outputTokens <= CACHED_ANSWER_MAX_TOKENS)
      answers.set(key, prepared);
    return prepared;
  }

  /**
   * The answer of a run-time stub that matched: ahead of the answer cache, since a stub's sequence and
   * `times` make the same request answer differently from one call to the next.
   */
  async function stubbed(
    hit: NonNullable<ReturnType<StubMatcher["match"]>>,
    request: InvokeRequest,
    context: InvokeContext,
    model: ModelInfo,
    text: string,
  ): Promise<{ outcome: Answer | UpstreamResponse; delayMs: number; inputTokens: number; seed: number }> {
    if (context.trace !== undefined) {
      context.trace.stub = hit.id;
      if (hit.reply.fault !== undefined) context.trace.streamFault = hit.reply.fault;
    }
    const { seed } = digestOf(mock.seed, text);
    const inputTokens = await billedInputTokens(request, model);
    const outcome =
      bedrockProblem(request, model) ?? scripted(hit.reply, createRng(seed), request.max_tokens);
    return { outcome, delayMs: hit.reply.delay_ms ?? 0, inputTokens, seed };
  }

  async function invoke(request: InvokeRequest, context: InvokeContext): Promise<UpstreamResponse> {
    const admitted = admit(request, context);
    if ("status" in admitted) return admitted;
    const { team, forced } = admitted;
    const fault = forced ?? drawFault();
    if (fault !== undefined) logger.debug({ requestId: context.requestId, fault: fault.kind }, "mock fault");
    // A mid-stream fault leaves the answer alone: the stream walk acts on it.
    if (fault?.kind === "stream" && context.trace !== undefined) context.trace.streamFault = fault.value;
    const failed = fault === undefined ? undefined : faultReply(fault);
    if (failed !== undefined) return failed;

    const model = findModel(request.model);
    if (model === undefined) return reply.validationError("The provided model identifier is invalid.");
    const malformedBlock = blockProblem(request);
    if (malformedBlock !== undefined) return malformedBlock;
    // Choices of one n > 1 request differ, as sampled answers would; each stays deterministic.
    const text = JSON.stringify(request);
    // A large request gives the event loop a turn between reading it and answering it: two 1.5 MB
    // requests read in one turn and answered in it too held the loop for ~90 ms.
    if (text.length > LARGE_REQUEST_CHARS) await nextTurn();
    const choice = context.choice ?? 0;
    const keyText = choice === 0 ? text : `${text}\0${choice}`;
    const hit = deps.stubs?.match(request, team.team_id, lastUserText(request), context.cassette);
    const stub = hit === undefined ? undefined : await stubbed(hit, request, context, model, keyText);
    let prepared: Prepared | undefined = stub;
    if (prepared === undefined) {
      const { key, digest } = answerKey(team, keyText);
      prepared =
        answers.get(key) ??
        (await generate(request, team, model, digest ?? digestOf(mock.seed, keyText), key));
    }
    const { inputTokens, seed } = prepared;
    const delayMs = stub?.delayMs ?? 0;
    if (!("content" in prepared.outcome)) {
      if (delayMs > 0) await wait(delayMs, context.signal);
      return prepared.outcome; // immutable: a cached refusal is answered again as it is
    }
    // Only a configured local model makes the answer wait on I/O (never for a stub's scripted reply).
    const result =
      backend === undefined || stub !== undefined
        ? prepared.outcome
        : await written(request, team, prepared.outcome, context);

    const { base_ms: base, per_output_token_ms: perToken } = mock.latency;
    const waitMs = (fault?.kind === "slow" ? fault.ms : 0) + delayMs + base + perToken * result.outputTokens;
    if (waitMs > 0) await wait(waitMs, context.signal);
    // Without simulated latency, report a stable made-up upstream time so replies are byte-stable.
    const latencyMs = waitMs > 0 ? waitMs : 250 + createRng(seed ^ 0x9e3779b9).next() * 1250;
    return success(request, context, team, model, result, inputTokens, latencyMs);
  }

  return {
    invoke,
    authenticate: (credentials) => teams.authenticate(credentials)?.team_id,
    quota: (teamId) => budget.quota(teamId),
    close: () => Promise.resolve(),
  };
}
