// Anthropic API model names → proxy models (CONTRACT §3b). Clients of the Anthropic API name Claude models
// the way Anthropic does (`claude-sonnet-4-5-20250929`, `claude-sonnet-4-5`, `claude-3-5-haiku-latest`),
// not by Bedrock id; the names are derived from the catalogue's Bedrock ids, so a model added to the
// catalogue gets its names with it. Clients also ship names newer than any model the proxy serves
// (Claude Code asks for `claude-opus-4-8`): an unknown `claude-*` name of a known tier goes to that
// tier's alias (`claude-opus`, `claude-sonnet`, `claude-haiku`), which defaults to the newest proxy model
// of the tier and which `models.aliases` can re-point.
import { MODELS, type ModelInfo, type ModelResolver } from "./catalog.ts";

/** `us.anthropic.claude-sonnet-4-5-20250929-v1:0` → `claude-sonnet-4-5-20250929`. */
function datedName(bedrockId: string): string | undefined {
  return /^(?:[a-z]+\.)?anthropic\.(claude-[a-z0-9-]+?-\d{8})-v\d+:\d+$/.exec(bedrockId)?.[1];
}

/** Every name Anthropic's API gives the model (dated, undated, and the `-latest` / `-0` spellings). */
export function anthropicNamesOf(model: ModelInfo): string[] {
  const dated = datedName(model.id);
  if (dated === undefined) return [];
  const undated = dated.replace(/-\d{8}$/, "");
  const names = [dated, undated];
  // Anthropic's pointer names: `claude-3-5-haiku-latest` for the 3.x models, `claude-opus-4-0` for 4.0.
  if (/^claude-3/.test(undated)) names.push(`${undated}-latest`);
  else if (/^claude-(?:opus|sonnet|haiku)-\d+$/.test(undated)) names.push(`${undated}-0`);
  return names;
}

const BY_NAME: ReadonlyMap<string, ModelInfo> = new Map(
  MODELS.flatMap((m) => anthropicNamesOf(m).map((name) => [name, m] as const)),
);

/** The model an exact Anthropic API name (`claude-3-5-haiku-20241022`, `claude-sonnet-4-5`) names, if any. */
export function modelByAnthropicName(name: string): ModelInfo | undefined {
  return BY_NAME.get(name.toLowerCase());
}

export type ModelMatch = "alias_or_id" | "anthropic_name" | "tier";

export interface AnthropicModel {
  model: ModelInfo;
  /** How the name was matched: `tier` means a `claude-*` name the proxy does not serve. */
  via: ModelMatch;
}

const TIER = /^claude-(?:.*-)?(opus|sonnet|haiku)(?:-|$)/;

/**
 * The proxy model a client's name means: `models.aliases` and Bedrock ids first (so configuration can
 * re-point any name), then Anthropic's names, then the tier of an unknown `claude-*` name.
 */
export function resolveAnthropicModel(resolver: ModelResolver, name: string): AnthropicModel | undefined {
  const direct = resolver.resolve(name);
  if (direct !== undefined) return { model: direct, via: "alias_or_id" };
  const known = modelByAnthropicName(name);
  if (known !== undefined) return { model: known, via: "anthropic_name" };
  const tier = TIER.exec(name.toLowerCase())?.[1];
  const model = tier === undefined ? undefined : resolver.resolve(`claude-${tier}`);
  return model === undefined ? undefined : { model, via: "tier" };
}

/** The Anthropic names of every Claude model in the catalogue, for the README table and /v1/models. */
export function anthropicNameTable(): { name: string; bedrockId: string }[] {
  return [...BY_NAME].map(([name, model]) => ({ name, bedrockId: model.id }));
}
