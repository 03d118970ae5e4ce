// Fixed request and response bodies shared by the load generator and the baseline servers, so every
// scenario sends the same short prompt and the baselines answer a realistic ~600-byte completion.

export const CHAT_MODEL = "gpt-4o-mini";
export const INVOKE_MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0";
export const PROMPT = "Say hello in one short sentence.";

/** Credentials of the simulator's default team (config.yaml `mock.teams[0]`). Not secrets. */
export const MOCK_TEAM = { teamId: "demo", apiToken: "demo-token" } as const;

export function chatBody(options: { prompt?: string; stream?: boolean } = {}): string {
  return JSON.stringify({
    model: CHAT_MODEL,
    messages: [{ role: "user", content: options.prompt ?? PROMPT }],
    max_tokens: 64,
    ...(options.stream === true ? { stream: true } : {}),
  });
}

/** The same short prompt as a Responses API request (POST /v1/responses). */
export function responsesBody(options: { prompt?: string; stream?: boolean } = {}): string {
  return JSON.stringify({
    model: CHAT_MODEL,
    input: options.prompt ?? PROMPT,
    max_output_tokens: 64,
    ...(options.stream === true ? { stream: true } : {}),
  });
}

/** The same conversation for the Anthropic face; `claude-haiku-4-5` is the model gpt-4o-mini aliases. */
export function messagesBody(options: { stream?: boolean } = {}): string {
  return JSON.stringify({
    model: "claude-haiku-4-5",
    messages: [{ role: "user", content: PROMPT }],
    max_tokens: 64,
    ...(options.stream === true ? { stream: true } : {}),
  });
}

export function invokeBody(prompt: string = PROMPT): string {
  return JSON.stringify({
    model: INVOKE_MODEL,
    messages: [{ role: "user", content: prompt }],
    max_tokens: 64,
  });
}

/** The Bedrock Runtime face's Converse body for the same prompt (CONTRACT §3d). */
export function converseBody(prompt: string = PROMPT): string {
  return JSON.stringify({
    messages: [{ role: "user", content: [{ text: prompt }] }],
    inferenceConfig: { maxTokens: 64 },
  });
}

/** Converse's path for the model of the invoke scenario (the id URL-encoded, as the AWS SDKs send it). */
export const CONVERSE_PATH = `/model/${encodeURIComponent(INVOKE_MODEL)}/converse`;

/** As the AWS SDKs sign: the access key id names the simulator's team; the signature is not checked. */
export const CONVERSE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "application/json",
  authorization:
    `AWS4-HMAC-SHA256 Credential=${MOCK_TEAM.teamId}/20250101/us-east-1/bedrock/aws4_request, ` +
    "SignedHeaders=content-type;host;x-amz-date, Signature=0000",
};

export const CHAT_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "application/json",
  // A bearer key of the form TEAM_ID:API_TOKEN picks the team on /v1 in every mode (CONTRACT §3).
  authorization: `Bearer ${MOCK_TEAM.teamId}:${MOCK_TEAM.apiToken}`,
};

export const MESSAGES_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "application/json",
  // Anthropic clients send their key as x-api-key; TEAM_ID:API_TOKEN picks the team there too.
  "x-api-key": `${MOCK_TEAM.teamId}:${MOCK_TEAM.apiToken}`,
  "anthropic-version": "2023-06-01",
};

export const INVOKE_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "application/json",
  "x-team-id": MOCK_TEAM.teamId,
  "x-api-token": MOCK_TEAM.apiToken,
};

/** What baseline A answers: a fixed chat.completion of about 600 bytes, shaped like the gateway's. */
export const COMPLETION_JSON = JSON.stringify({
  id: "chatcmpl-bench0123456789abcdef0123456789",
  object: "chat.completion",
  created: 1764000000,
  model: CHAT_MODEL,
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: "Hello! It is nice to meet you, and I hope your day is going well.",
        refusal: null,
      },
      logprobs: null,
      finish_reason: "stop",
    },
  ],
  usage: { prompt_tokens: 14, completion_tokens: 18, total_tokens: 32, cost: 0.000083 },
  bedrock: {
    team_id: MOCK_TEAM.teamId,
    model: INVOKE_MODEL,
    cost_usd: 0.000083,
    latency_ms: 412.37,
    remaining_quota: { requests_today: 5, tokens_today: 165, budget_limit: 50.0, remaining_budget: 49.9 },
  },
});

/** What the fake proxy answers to POST /prod/invoke (PROXY.md "Success response"), for a model id. */
export function proxyResponseJson(model: string): string {
  return JSON.stringify({
    content: [{ type: "text", text: "Hello! It is nice to meet you, and I hope your day is going well." }],
    usage: { input_tokens: 14, output_tokens: 18, total_tokens: 32 },
    metadata: {
      team_id: MOCK_TEAM.teamId,
      model,
      cost_usd: 8.3e-5,
      latency_ms: 412.37,
      remaining_quota: {
        requests_today: 5,
        tokens_today: 165,
        llm_cost: 2.15215495,
        gpu_cost: 0.0,
        total_cost: 2.15215495,
        budget_limit: 50.0,
        remaining_budget: 47.847845050000004,
        budget_usage_percent: 4.3043099,
      },
    },
  });
}
