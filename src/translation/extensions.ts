// What the gateway adds to OpenAI's chat.completion (CONTRACT §3), as types users can import: SDKs type
// the standard shape only, so `reply.usage.cost` and `reply.bedrock` need these (README, "Using it from
// OpenAI clients"). Generic over the SDK's own type so `openai` stays a dependency of the user, not ours.
import type { ChatCompletion } from "../openai/types.ts";
import type { InvokeMetadata } from "../upstream/types.ts";

/** The proxy's `metadata`, as the top-level `bedrock` key of every completion (and of a stream's last chunk). */
export type BedrockMetadata = InvokeMetadata;

/**
 * A completion as this gateway returns it: `C` (e.g. `OpenAI.ChatCompletion`) with `usage` present and
 * carrying `cost` (USD), and `bedrock`. `const reply = (await client.chat.completions.create(…)) as
 * BedrockChatCompletion<OpenAI.ChatCompletion>`.
 */
export type BedrockChatCompletion<C extends { usage?: object | null | undefined } = ChatCompletion> = Omit<
  C,
  "usage" | "bedrock"
> & {
  usage: NonNullable<C["usage"]> & { cost: number };
  bedrock: BedrockMetadata;
};
