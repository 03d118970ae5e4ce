// In-process microbenchmark of what the Responses face adds over Chat Completions, per request: parse,
// the conversation lookup, the shared translation, the answer back to a Response, the store, and the JSON
// body — against the chat face's parse, translation and body for the same prompt and the same upstream
// answer. The HTTP lane, the simulator and the socket are shared by both faces and left out, so the
// difference is the face's own cost; rounds alternate the two, so a busy machine's drift hits both.
// Not part of the test suite or `npm run bench` (see bench/README.md); run it by hand, on Node 24:
//
//   node_modules/.bin/node bench/micro/responses-face.ts [--calls 20000] [--rounds 10]
import { parseArgs } from "node:util";
import { conversationOf } from "../../src/faces/responses/conversation.ts";
import { parseResponseCreateParams } from "../../src/faces/responses/parse.ts";
import { toChatParams } from "../../src/faces/responses/request.ts";
import { toResponse } from "../../src/faces/responses/response.ts";
import { createResponseStore } from "../../src/faces/responses/store.ts";
import { createModelResolver } from "../../src/models/catalog.ts";
import { parseChatCompletionCreateParams } from "../../src/openai/parse.ts";
import { randomIds } from "../../src/shared/ids.ts";
import { toInvokeRequest } from "../../src/translation/request.ts";
import { toChatCompletion } from "../../src/translation/response.ts";
import type { InvokeResponse } from "../../src/upstream/types.ts";
import { MOCK_TEAM, chatBody, proxyResponseJson, responsesBody } from "../lib/payloads.ts";
import { median } from "../lib/stats.ts";

const { values } = parseArgs({ options: { calls: { type: "string" }, rounds: { type: "string" } } });
const calls = Number(values.calls ?? 20_000);
const rounds = Number(values.rounds ?? 10);

const models = createModelResolver({});
const options = { systemPrompt: "fold" as const, toolEmulation: false, maxN: 1 };
const answer = JSON.parse(proxyResponseJson("us.anthropic.claude-haiku-4-5-20251001-v1:0")) as InvokeResponse;
const chatText = chatBody();
const responsesText = responsesBody();
const store = createResponseStore();

function chat(): number {
  const params = parseChatCompletionCreateParams(JSON.parse(chatText));
  const { plan } = toInvokeRequest(params, models.resolve(params.model)!, options);
  const id = `chatcmpl-${randomIds.token(29)}`;
  return JSON.stringify(toChatCompletion([answer], plan, { id, created: 1 })).length;
}

function responses(): number {
  const params = parseResponseCreateParams(JSON.parse(responsesText));
  const items = conversationOf(params, store, MOCK_TEAM.teamId);
  const { plan } = toInvokeRequest(toChatParams(params, items), models.resolve(params.model)!, options);
  const completion = toChatCompletion([answer], plan, { id: "", created: 0 });
  const response = toResponse(completion, params, { token: randomIds.token(32), createdAt: 1 }, 1);
  store.put(MOCK_TEAM.teamId, { response, input: items });
  return JSON.stringify(response).length;
}

/** CPU µs per call of `f` over `n` calls. */
function cpuPerCall(f: () => number, n: number): number {
  const start = process.cpuUsage();
  for (let i = 0; i < n; i++) f();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / n;
}

for (let i = 0; i < 3; i++) {
  // Warm-up: let the JIT settle on both paths before measuring.
  cpuPerCall(chat, calls);
  cpuPerCall(responses, calls);
}
const chatUs: number[] = [];
const responsesUs: number[] = [];
for (let r = 0; r < rounds; r++) {
  const first = r % 2 === 0;
  if (first) chatUs.push(cpuPerCall(chat, calls));
  responsesUs.push(cpuPerCall(responses, calls));
  if (!first) chatUs.push(cpuPerCall(chat, calls));
}
const deltas = responsesUs.map((us, i) => us - (chatUs[i] ?? us));
console.log(
  `chat face ${median(chatUs)?.toFixed(2)} µs/req · responses face ${median(responsesUs)?.toFixed(2)} µs/req · ` +
    `added ${median(deltas)?.toFixed(2)} µs/req (median of ${rounds} paired rounds × ${calls} calls; ` +
    `bodies ${chat()} B vs ${responses()} B)`,
);
