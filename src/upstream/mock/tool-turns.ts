// What the simulated model makes of tools beyond picking one: greetings call none; after tool results
// it answers from them; and for Llama/Mistral with the gateway's tool emulation on, it reads the tool
// list the gateway wrote into the prompt and writes calls in the same `<tool_call>{…}</tool_call>`
// form (translation/request.ts `emulationPrompt` writes that prompt, translation/response.ts parses the
// calls back; test/upstream/mock/listening-faces.test.ts keeps the two sides in step over /v1).
import type { InvokeMessage, InvokeRequest, InvokeTool } from "../types.ts";
import { textOf } from "./conversation.ts";

/** Small talk: "hi", "hello there!", "thanks", "good morning, how are you?". */
const GREETING =
  /^\s*(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day)|thanks|thank you|cheers|ok(?:ay)?|bye|goodbye)\b[\s,!.]*(?:(?:there|everyone|all|friend|claude|assistant)\b[\s,!.]*)?(?:how are you(?: doing)?(?: today)?\??|what'?s up\??|nice to meet you[.!]?)?[\s!.?]*$/i;

export function isGreeting(text: string): boolean {
  return text.length <= 80 && GREETING.test(text);
}

/** Text of a tool_result block's content (string or text blocks). */
function resultText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  return content
    .map((b: { type?: unknown; text?: unknown }) =>
      b.type === "text" && typeof b.text === "string" ? b.text : "",
    )
    .join("\n");
}

export interface ToolOutcome {
  name: string;
  input: Record<string, unknown>;
  text: string;
  isError: boolean;
}

/**
 * An agent framework's handoff, not a result to report: the OpenAI Agents SDKs call `transfer_to_<agent>`
 * and answer it `{"assistant": "<agent>"}`. The agent it hands to answers the user's question instead.
 */
function isHandoff(outcome: ToolOutcome): boolean {
  return (
    outcome.name.startsWith("transfer_to_") ||
    /^\s*\{\s*"assistant"\s*:\s*"[^"]{0,200}"\s*\}\s*$/.test(outcome.text)
  );
}

/** The tool results of the last user turn, each with the call it answers (native blocks). */
export function lastToolOutcomes(request: InvokeRequest): ToolOutcome[] {
  return nativeOutcomes(request).filter((o) => !isHandoff(o));
}

function nativeOutcomes(request: InvokeRequest): ToolOutcome[] {
  const messages = request.messages;
  const last = messages[messages.length - 1];
  if (last === undefined || last.role !== "user" || typeof last.content === "string") return [];
  const calls = new Map<string, { name: string; input: Record<string, unknown> }>();
  const previous: InvokeMessage | undefined = messages[messages.length - 2];
  if (previous !== undefined && Array.isArray(previous.content))
    for (const block of previous.content)
      if (block.type === "tool_use") calls.set(block.id, { name: block.name, input: block.input });
  const out: ToolOutcome[] = [];
  for (const block of last.content) {
    if (block.type !== "tool_result") continue;
    const call = calls.get(block.tool_use_id);
    out.push({
      name: call?.name ?? "the tool",
      input: call?.input ?? {},
      text: resultText(block.content).slice(0, 2000),
      isError: block.is_error === true,
    });
  }
  return out;
}

/** `<tool_result tool_call_id="…">…</tool_result>` texts of the last user turn (emulated tools). */
export function emulatedOutcomes(request: InvokeRequest): ToolOutcome[] {
  const last = request.messages[request.messages.length - 1];
  if (last === undefined || last.role !== "user") return [];
  const text = textOf(last);
  return [...text.matchAll(/<tool_result[^>]*>([^]{0,2000}?)<\/tool_result>/g)]
    .map((m) => ({ name: "the tool", input: {}, text: m[1] ?? "", isError: false }))
    .filter((o) => !isHandoff(o));
}

/** A JSON result read as facts ("temperature 18, condition sunny"); other text as it is. */
function facts(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{")) return trimmed.replace(/\s+/g, " ").slice(0, 400);
  try {
    const value = JSON.parse(trimmed) as unknown;
    if (value === null || typeof value !== "object" || Array.isArray(value)) return trimmed.slice(0, 400);
    return Object.entries(value)
      .filter(([, v]) => v === null || typeof v !== "object")
      .slice(0, 8)
      .map(([k, v]) => `${k.replace(/_/g, " ")} ${String(v)}`)
      .join(", ");
  } catch {
    return trimmed.slice(0, 400);
  }
}

/** The first string argument of a call ("for Paris"), to say what the result was about. */
function subject(input: Record<string, unknown>): string {
  const first = Object.values(input).find((v) => typeof v === "string" && v.length <= 60);
  return typeof first === "string" ? ` for ${first}` : "";
}

/** An answer built from tool results: what each returned, in order. */
export function answerFromOutcomes(outcomes: readonly ToolOutcome[]): string {
  return outcomes
    .map((o) =>
      o.isError
        ? `The call to ${o.name}${subject(o.input)} failed: ${facts(o.text) || "no detail was given"}.`
        : `According to ${o.name}${subject(o.input)}: ${facts(o.text) || "it returned nothing"}.`,
    )
    .join("\n");
}

/** The tools and the caller's demand, read back from the emulation prompt in the conversation. */
export interface EmulatedTools {
  tools: InvokeTool[];
  choice: { kind: "auto" | "any" } | { kind: "tool"; name: string };
}

const EMULATION_HEAD = "You can call these tools:\n";
const EMULATION_TAIL = "Tool results come back as <tool_result> messages.";

/** `text` without the emulation prompt: the user's own words are what the model answers. */
export function withoutEmulationPrompt(text: string): string {
  const start = text.indexOf(EMULATION_HEAD);
  if (start === -1) return text;
  const end = text.indexOf(EMULATION_TAIL, start);
  return text.slice(0, start) + (end === -1 ? "" : text.slice(end + EMULATION_TAIL.length));
}
const TOOL_LINE = /^- ([^:\n]+): ([^\n]*)\n {2}parameters \(JSON schema\): (\{[^\n]*\})$/gm;

export function emulatedTools(request: InvokeRequest): EmulatedTools | undefined {
  const texts = [
    typeof request.system === "string" ? request.system : "",
    ...request.messages.slice(0, 1).map(textOf),
  ];
  const text = texts.find((t) => t.includes(EMULATION_HEAD));
  if (text === undefined) return undefined;
  const tools: InvokeTool[] = [];
  for (const m of text.matchAll(TOOL_LINE)) {
    try {
      const schema = JSON.parse(m[3] ?? "") as unknown;
      if (schema !== null && typeof schema === "object" && !Array.isArray(schema))
        tools.push({
          name: m[1] ?? "",
          description: m[2] ?? "",
          input_schema: schema as Record<string, unknown>,
        });
    } catch {
      // A tool whose schema line is not JSON cannot be called; the others still can.
    }
    if (tools.length >= 128) break;
  }
  if (tools.length === 0) return undefined;
  const forced = /You must call the tool ([^\s.]+)\./.exec(text)?.[1];
  if (forced !== undefined) return { tools, choice: { kind: "tool", name: forced } };
  return { tools, choice: { kind: text.includes("You must call at least one tool.") ? "any" : "auto" } };
}

/** One emulated call, as the emulation prompt asks for it. */
export function emulatedCallText(name: string, input: Record<string, unknown>): string {
  return `<tool_call>${JSON.stringify({ name, arguments: input })}</tool_call>`;
}
