// The proxy's model catalogue: 28 Bedrock ids with prices, limits and capabilities, plus alias lookup.
import rawCatalog from "./bedrock-models.json" with { type: "json" };
import { FAMILIES, type FamilyId, type ModelFamily } from "./families.ts";
import { unknownModelMessage } from "./suggest.ts";

export interface ModelInfo {
  id: string;
  family: ModelFamily;
  inputUsdPerMtok: number;
  outputUsdPerMtok: number;
  contextWindow: number;
  maxOutputTokens: number;
  capabilities: { tools: boolean; vision: boolean; structuredOutput: boolean };
  reasoning: boolean;
}

interface RawModel {
  id: string;
  family: string;
  input_usd_per_mtok: number;
  output_usd_per_mtok: number;
  context_window: number;
  max_output_tokens: number;
  vision: boolean;
  reasoning: boolean;
}

function toModelInfo(raw: RawModel): ModelInfo {
  const family = FAMILIES[raw.family as FamilyId];
  if (family === undefined) throw new Error(`model catalogue: unknown family ${raw.family} for ${raw.id}`);
  return {
    id: raw.id,
    family,
    inputUsdPerMtok: raw.input_usd_per_mtok,
    outputUsdPerMtok: raw.output_usd_per_mtok,
    contextWindow: raw.context_window,
    maxOutputTokens: raw.max_output_tokens,
    // Tool use follows the guide (family-level); structured output rides on tool use (guide §4).
    capabilities: { tools: family.nativeTools, vision: raw.vision, structuredOutput: family.nativeTools },
    reasoning: raw.reasoning,
  };
}

export const MODELS: readonly ModelInfo[] = Object.freeze((rawCatalog as RawModel[]).map(toModelInfo));

const byId = new Map<string, ModelInfo>(MODELS.map((m) => [m.id, m]));

/** Strip the cross-region prefix: the proxy also accepted bare ids such as `anthropic.claude-…`. */
function bareId(id: string): string {
  return id.replace(/^(us|eu|apac|global)\./, "");
}
const byBareId = new Map<string, ModelInfo>(MODELS.map((m) => [bareId(m.id), m]));

/** Find a proxy model by its exact Bedrock id or its id without the `us.` prefix. */
export function findModel(id: string): ModelInfo | undefined {
  return byId.get(id) ?? byBareId.get(bareId(id));
}

/** Default OpenAI-style aliases (CONTRACT §2 `models.aliases`); config may add more. */
export const DEFAULT_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  "gpt-4o": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
  "gpt-4o-mini": "us.anthropic.claude-haiku-4-5-20251001-v1:0",
  "gpt-4.1": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
  "gpt-4.1-mini": "us.anthropic.claude-haiku-4-5-20251001-v1:0",
  "gpt-4": "us.anthropic.claude-opus-4-20250514-v1:0",
  "gpt-3.5-turbo": "us.anthropic.claude-3-haiku-20240307-v1:0",
  "claude-sonnet": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
  "claude-haiku": "us.anthropic.claude-haiku-4-5-20251001-v1:0",
  "claude-opus": "us.anthropic.claude-opus-4-20250514-v1:0",
  "nova-pro": "us.amazon.nova-pro-v1:0",
  "nova-lite": "us.amazon.nova-lite-v1:0",
  "nova-micro": "us.amazon.nova-micro-v1:0",
  "llama-3.3-70b": "us.meta.llama3-3-70b-instruct-v1:0",
  "deepseek-r1": "us.deepseek.r1-v1:0",
});

export interface ModelResolver {
  /** Resolve a name a client sent (alias, Bedrock id, bare id) to a catalogue model. */
  resolve(name: string): ModelInfo | undefined;
  /** Aliases in effect, alias → Bedrock id. */
  readonly aliases: Readonly<Record<string, string>>;
  /** The 404 message for a name `resolve` does not know, with "did you mean" the closest aliases/ids. */
  unknown(name: string): string;
}

export function createModelResolver(extraAliases: Readonly<Record<string, string>> = {}): ModelResolver {
  const aliases = Object.freeze({ ...DEFAULT_ALIASES, ...extraAliases });
  const names = [...Object.keys(aliases), ...MODELS.map((m) => m.id)];
  return {
    aliases,
    unknown: (name) => unknownModelMessage(name, names),
    resolve(name) {
      const target = Object.hasOwn(aliases, name) ? aliases[name] : undefined;
      return findModel(target ?? name);
    },
  };
}
