// The drift check's comparison (`bpg cassettes drift`): does a fresh answer to a recorded request have
// the recorded answer's shape? Shape is what code under test branches on — the status, the keys of the
// body, the content block types in order, the tool names, the stop reason — never the prose, the
// numbers or the ids, which differ between any two calls.

/** One line per shape feature, e.g. `tools: get_weather`. */
export type Shape = Map<string, string>;

interface Block {
  type?: unknown;
  name?: unknown;
  input?: unknown;
}

function keysOf(value: unknown): string {
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? Object.keys(value).sort().join(",")
    : typeof value;
}

/** The proxy's answers carry no stop reason: derive the one the faces would report. */
function stopReason(blocks: Block[], usage: unknown, maxTokens: unknown): string {
  if (blocks.some((b) => b.type === "tool_use")) return "tool_use";
  const output = (usage as { output_tokens?: unknown } | undefined)?.output_tokens;
  return typeof maxTokens === "number" && output === maxTokens ? "max_tokens" : "end_turn";
}

/** The shape of an upstream answer (`body` as text) to `request`. */
export function shapeOf(status: number, body: string, request: Record<string, unknown>): Shape {
  const shape: Shape = new Map([["status", String(status)]]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    shape.set("body", "not JSON");
    return shape;
  }
  shape.set("keys", keysOf(parsed));
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return shape;
  const answer = parsed as Record<string, unknown>;
  for (const key of ["usage", "metadata", "error"])
    if (key in answer) shape.set(`${key} keys`, keysOf(answer[key]));
  const remaining = (answer.metadata as { remaining_quota?: unknown } | undefined)?.remaining_quota;
  if (remaining !== undefined) shape.set("remaining_quota keys", keysOf(remaining));
  if (!Array.isArray(answer.content)) return shape;
  const blocks = answer.content as Block[];
  shape.set("content", blocks.map((b) => String(b.type)).join(","));
  const tools = blocks.filter((b) => b.type === "tool_use");
  if (tools.length > 0) {
    shape.set("tools", tools.map((b) => String(b.name)).join(","));
    tools.forEach((b, i) => shape.set(`tool ${i + 1} input keys`, keysOf(b.input)));
  }
  if (status >= 200 && status < 300)
    shape.set("stop reason", stopReason(blocks, answer.usage, request.max_tokens));
  return shape;
}

export interface ShapeDifference {
  feature: string;
  recorded: string | undefined;
  now: string | undefined;
}

/** The features whose values differ (or that only one side has). */
export function shapeDifferences(recorded: Shape, now: Shape): ShapeDifference[] {
  const features = new Set([...recorded.keys(), ...now.keys()]);
  const out: ShapeDifference[] = [];
  for (const feature of features) {
    const a = recorded.get(feature);
    const b = now.get(feature);
    if (a !== b) out.push({ feature, recorded: a, now: b });
  }
  return out;
}
