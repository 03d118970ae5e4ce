// The one configuration loader: defaults ← config file (with ${ENV} expansion) ← environment ← flags,
// then validated once (every problem reported together) and deeply frozen.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import { parseDocument } from "yaml";
import { findModel } from "../models/catalog.ts";
import { DEFAULT_CONFIG } from "./defaults.ts";
import { CONFIG_SCHEMA } from "./schema.ts";
import type { Config, ConfigOverrides } from "./types.ts";

export type Env = Readonly<Record<string, string | undefined>>;

/** Raised when configuration cannot be loaded; `problems` lists every reason, one per line. */
export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export interface LoadConfigOptions {
  /** Config file path. Undefined: `BPG_CONFIG`, else `./config.yaml` if it exists, else none. */
  file?: string | undefined;
  /** Skip the implicit `./config.yaml` (in-process use wants defaults + overrides only). */
  implicitFile?: boolean;
  env?: Env;
  /** CLI flags or in-process overrides: the highest layer. */
  overrides?: ConfigOverrides;
  /** Built-in defaults of this caller (in-process use logs warnings only): the lowest layer but one. */
  defaults?: ConfigOverrides;
  cwd?: string;
}

export interface LoadedConfig {
  config: Readonly<Config>;
  /** The file that was read, if any. */
  file: string | null;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Layer = Record<string, unknown>;

/** Environment variables that override config keys (CONTRACT §2). */
const ENV_KEYS: ReadonlyArray<{ env: string; path: string; parse: (v: string) => unknown }> = [
  { env: "BPG_MODE", path: "mode", parse: String },
  { env: "BPG_HOST", path: "server.host", parse: String },
  { env: "PORT", path: "server.port", parse: parseNumber },
  { env: "BPG_PORT", path: "server.port", parse: parseNumber },
  { env: "BPG_API_KEYS", path: "server.api_keys", parse: parseList },
  { env: "BPG_ADMIN_KEY", path: "server.admin_key", parse: String },
  { env: "BPG_LOG_LEVEL", path: "server.log_level", parse: String },
  { env: "BPG_UPSTREAM", path: "upstream.kind", parse: String },
  { env: "BEDROCK_API_ENDPOINT", path: "upstream.url", parse: String },
  { env: "BEDROCK_TEAM_ID", path: "upstream.team_id", parse: String },
  { env: "BEDROCK_API_TOKEN", path: "upstream.api_token", parse: String },
  { env: "BPG_CASSETTE_DIR", path: "recording.dir", parse: String },
  { env: "BPG_CASSETTE", path: "recording.cassette", parse: String },
  { env: "BPG_SEED", path: "mock.seed", parse: parseNumber },
  { env: "BPG_STATE", path: "mock.state", parse: String },
];

function parseNumber(value: string): unknown {
  const n = Number(value);
  return value.trim() !== "" && Number.isFinite(n) ? n : value;
}

function parseList(value: string): string[] {
  return value
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const ENV_REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Expand `${VAR}` and `${VAR:-default}` in every string of the parsed file; unset variables become "".
 * Expanded values are text; validation coerces them to the key's type (`port: ${PORT:-8787}` works),
 * so a numeric-looking team id stays a string where a string is expected.
 */
function expandEnv(value: Json, env: Env, unset: Map<string, string>, path = ""): Json {
  if (typeof value === "string") {
    return value.replace(ENV_REFERENCE, (_m, name: string, fallback?: string) => {
      const found = env[name] ?? fallback;
      // Named in the key's error message should the empty text not be a valid value.
      if (found === undefined) unset.set(path, `\${${name}}, which is not set`);
      return found ?? "";
    });
  }
  if (Array.isArray(value)) return value.map((v, i) => expandEnv(v, env, unset, `${path}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, expandEnv(v, env, unset, path === "" ? k : `${path}.${k}`)]),
    );
  }
  return value;
}

function readConfigFile(path: string): Layer {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : String(error);
    throw new ConfigError([`${path}: ${reason}`]);
  }
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => `${path}: ${e.message.split("\n")[0]}`));
  }
  const parsed: unknown = doc.toJS({ maxAliasCount: 100 });
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed))
    throw new ConfigError([`${path}: the top level must be a mapping of keys`]);
  return parsed as Layer;
}

function isPlainObject(value: unknown): value is Layer {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Merge `over` into `base`: objects merge key by key, everything else (arrays included) is replaced. */
/** Keys that would reach an object's prototype through a plain assignment. */
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Paths of keys no config may carry (they are also never merged). */
function unsafeKeys(value: unknown, path = ""): string[] {
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const here = Array.isArray(value) ? `${path}[${key}]` : path === "" ? key : `${path}.${key}`;
    return UNSAFE_KEYS.has(key) && !Array.isArray(value) ? [`${here}: unknown key`] : unsafeKeys(inner, here);
  });
}

function merge(base: Layer, over: Layer): Layer {
  const out: Layer = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined || UNSAFE_KEYS.has(key)) continue;
    const current = out[key];
    // Free-form maps (aliases) merge too, which is what a user adding one alias expects.
    out[key] = isPlainObject(current) && isPlainObject(value) ? merge(current, value) : value;
  }
  return out;
}

function setPath(target: Layer, path: string, value: unknown): void {
  const keys = path.split(".");
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (!isPlainObject(node[key])) node[key] = {};
    node = node[key] as Layer;
  }
  node[keys[keys.length - 1] as string] = value;
}

function envLayer(env: Env, sources: Map<string, string>): Layer {
  const layer: Layer = {};
  for (const { env: name, path, parse } of ENV_KEYS) {
    const raw = env[name];
    if (raw === undefined || raw === "") continue;
    setPath(layer, path, parse(raw));
    sources.set(path, name);
  }
  return layer;
}

/** `/mock/teams/0/budget_limit` → `mock.teams[0].budget_limit`. */
function displayPath(instancePath: string): string {
  return instancePath
    .split("/")
    .slice(1)
    .map((part) => part.replaceAll("~1", "/").replaceAll("~0", "~"))
    .reduce(
      (acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc === "" ? part : `${acc}.${part}`),
      "",
    );
}

function describe(error: ErrorObject, sources: Map<string, string>): string | null {
  const path = displayPath(error.instancePath);
  const source = sources.get(path);
  const where = `${path === "" ? "(top level)" : path}${source === undefined ? "" : ` (from ${source})`}`;
  switch (error.keyword) {
    case "additionalProperties": {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      return `${path === "" ? key : `${path}.${key}`}: unknown key`;
    }
    case "enum":
      return `${where}: must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
    case "oneOf":
    case "if":
      return null; // the branch errors say more
    default:
      return `${where}: ${error.message ?? "is invalid"}`;
  }
}

// coerceTypes: env variables and ${VAR} expansions arrive as text ("8080", "true") and take the type
// the schema gives their key.
const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: true });
const validate = ajv.compile(CONFIG_SCHEMA);

/** Rules a JSON Schema cannot state: unique team ids, and model ids that exist in the catalogue. */
function crossChecks(config: Config): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  config.mock.teams.forEach((team, i) => {
    if (seen.has(team.team_id))
      problems.push(`mock.teams[${i}].team_id: "${team.team_id}" is used by another team`);
    seen.add(team.team_id);
    team.allowed_models?.forEach((id, j) => {
      if (findModel(id) === undefined)
        problems.push(`mock.teams[${i}].allowed_models[${j}]: unknown model id "${id}"`);
    });
  });
  for (const [alias, target] of Object.entries(config.models.aliases)) {
    if (findModel(target) === undefined)
      problems.push(`models.aliases.${alias}: unknown model id "${target}"`);
  }
  return problems;
}

function validateConfig(candidate: Layer, sources: Map<string, string>): Config {
  if (validate(candidate)) {
    const problems = crossChecks(candidate as unknown as Config);
    if (problems.length > 0) throw new ConfigError(problems);
    return candidate as unknown as Config;
  }
  const problems = [
    ...new Set(
      (validate.errors ?? []).map((e) => describe(e, sources)).filter((p): p is string => p !== null),
    ),
  ];
  throw new ConfigError(problems);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function pickFile(
  options: LoadConfigOptions,
  env: Env,
  cwd: string,
): { path: string; required: boolean } | null {
  const explicit = options.file ?? env.BPG_CONFIG;
  if (explicit !== undefined && explicit !== "") return { path: resolve(cwd, explicit), required: true };
  if (options.implicitFile === false) return null;
  return { path: resolve(cwd, "config.yaml"), required: false };
}

/** Load, merge, validate and freeze the configuration. Throws ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? {};
  const cwd = options.cwd ?? process.cwd();
  const sources = new Map<string, string>();

  const picked = pickFile(options, env, cwd);
  let fileLayer: Layer = {};
  let file: string | null = null;
  if (picked !== null) {
    try {
      fileLayer = expandEnv(readConfigFile(picked.path) as Json, env, sources) as Layer;
      file = picked.path;
    } catch (error) {
      const missing = error instanceof ConfigError && error.problems[0]?.endsWith("file not found");
      if (picked.required || !missing) throw error;
    }
  }

  const unsafe = [
    ...unsafeKeys(fileLayer),
    ...unsafeKeys(options.overrides),
    ...unsafeKeys(options.defaults),
  ];
  if (unsafe.length > 0) throw new ConfigError(unsafe);
  let merged = merge(structuredClone(DEFAULT_CONFIG) as unknown as Layer, (options.defaults ?? {}) as Layer);
  merged = merge(merged, fileLayer);
  merged = merge(merged, envLayer(env, sources));
  merged = merge(merged, (options.overrides ?? {}) as Layer);
  return { config: deepFreeze(validateConfig(merged, sources)), file };
}
