// `mock.backend`: an OpenAI-compatible local model (Ollama, llama.cpp server, vLLM, LM Studio) writes the
// text of mock answers (CONTRACT §5 "Real text from a local model"). The simulator keeps everything else
// — credentials, validation, quota, cost, tool calls — and only hands text over: a text answer is
// replaced by the model's words; a structured output by the model's JSON when it validates against the
// schema, else the fake stays. A backend that does not answer is a 502 that names it.
import type { MockBackendConfig } from "../../config/types.ts";
import { GatewayError } from "../../shared/errors.ts";
import type { InvokeContentBlock, InvokeMessage, InvokeRequest } from "../types.ts";
import type { Answer } from "./answers.ts";
import type { SchemaFaker } from "./schema-data.ts";
import { countOutputTokens, truncateToTokens } from "./tokens.ts";

const DEFAULT_TIMEOUT_MS = 30_000;

export interface Backend {
  /** `answer` with its text written by the local model (tool calls and errors are left alone). */
  rewrite(request: InvokeRequest, answer: Answer, schema: unknown, signal?: AbortSignal): Promise<Answer>;
}

interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

function blockText(block: InvokeContentBlock): string {
  switch (block.type) {
    case "text":
      return block.text;
    case "tool_use":
      return `(called ${block.name} with ${JSON.stringify(block.input)})`;
    case "tool_result":
      return `Tool result: ${typeof block.content === "string" ? block.content : block.content.map(blockText).join("\n")}`;
    default:
      return "";
  }
}

function chatMessages(request: InvokeRequest): ChatMessage[] {
  const out: ChatMessage[] = [];
  if (typeof request.system === "string" && request.system !== "")
    out.push({ role: "system", content: request.system });
  for (const message of request.messages as InvokeMessage[]) {
    const content =
      typeof message.content === "string" ? message.content : message.content.map(blockText).join("\n");
    out.push({ role: message.role === "assistant" ? "assistant" : "user", content });
  }
  return out;
}

function unreachable(config: MockBackendConfig, detail: string, cause?: unknown): GatewayError {
  return new GatewayError(`mock.backend ${config.url} (model ${config.model}) did not answer: ${detail}`, {
    status: 502,
    type: "api_error",
    code: "mock_backend_unavailable",
    shouldRetry: true,
    cause,
  });
}

export function createBackend(config: MockBackendConfig, faker: SchemaFaker, seed: number): Backend {
  const endpoint = `${config.url.replace(/\/+$/, "")}/chat/completions`;

  async function complete(request: InvokeRequest, schema: unknown, signal?: AbortSignal): Promise<string> {
    const body = {
      model: config.model,
      messages: chatMessages(request),
      max_tokens: request.max_tokens,
      temperature: 0,
      seed,
      ...(schema === undefined
        ? {}
        : { response_format: { type: "json_schema", json_schema: { name: "answer", schema } } }),
    };
    const timeoutMs = config.timeout_ms ?? DEFAULT_TIMEOUT_MS;
    const timeout = AbortSignal.timeout(timeoutMs);
    let res: Response;
    try {
      res = await fetch(endpoint, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
      });
    } catch (error) {
      throw unreachable(
        config,
        (error as Error).name === "TimeoutError" ? `no answer within ${timeoutMs} ms` : "connection failed",
        error,
      );
    }
    if (!res.ok) throw unreachable(config, `HTTP ${res.status}`);
    const parsed = (await res.json().catch(() => undefined)) as
      { choices?: { message?: { content?: unknown } }[] } | undefined;
    const content = parsed?.choices?.[0]?.message?.content;
    if (typeof content !== "string")
      throw unreachable(config, "the answer holds no choices[0].message.content");
    return content;
  }

  return {
    async rewrite(request, answer, schema, signal) {
      if (answer.content.some((b) => b.type !== "text")) return answer;
      const text = await complete(request, schema, signal);
      if (schema !== undefined) {
        const validate = faker.validator(schema);
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch {
          return answer; // not JSON: the schema-valid fake stays
        }
        if (typeof validate === "string" || !validate(value)) return answer;
      }
      const cut = truncateToTokens(text, request.max_tokens);
      const content: InvokeContentBlock[] = [{ type: "text", text: cut.text }];
      return { content, outputTokens: cut.truncated ? cut.tokens : countOutputTokens(content) };
    },
  };
}
