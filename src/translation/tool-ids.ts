// Tool-call ids and tool names, mapped deterministically and statelessly (translation.md §1.6).
//
// Ids: upstream ids (`toolu_bdrk_01…`) reach clients as `call_<upstream id>`, the `call_…` style OpenAI
// clients expect (CONTRACT §3); on the next turn `call_` is stripped again, so `tool_call_id` maps back to
// the exact upstream id with no table to keep. Ids from elsewhere (other providers, hand-written) pass
// through, made safe for Bedrock's `[a-zA-Z0-9_-]{1,64}` rule by the same function in every position.
//
// Names: invalid characters become `_` (LiteLLM's rule), identically in definitions and history; the
// response maps names back through the request's own tool list.

const SAFE = /^[A-Za-z0-9_-]{1,64}$/;
const CALL_PREFIX = "call_";

/** FNV-1a, 32 bit: a short stable suffix that keeps sanitised values distinct. */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

function makeSafe(value: string): string {
  if (SAFE.test(value)) return value;
  const cleaned = value.replace(/[^A-Za-z0-9_-]/g, "_");
  if (cleaned.length > 0 && cleaned.length <= 64 && cleaned === value) return cleaned;
  return `${cleaned.slice(0, 55)}_${shortHash(value)}`;
}

/** Upstream tool_use id → the id the OpenAI client sees. */
export function toClientToolCallId(upstreamId: string): string {
  return `${CALL_PREFIX}${upstreamId}`;
}

/** A client's tool_call id (from `tool_calls[].id` or `tool_call_id`) → the upstream tool_use id. */
export function toUpstreamToolUseId(clientId: string): string {
  const stripped =
    clientId.startsWith(CALL_PREFIX) && clientId.length > CALL_PREFIX.length
      ? clientId.slice(CALL_PREFIX.length)
      : clientId;
  return makeSafe(stripped);
}

/** A tool name as the upstream accepts it: `foo@bar` → `foo_bar`, the same everywhere. */
export function sanitizeToolName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9_-]/g, "_");
  return cleaned.length <= 64 ? cleaned : `${cleaned.slice(0, 55)}_${shortHash(name)}`;
}
