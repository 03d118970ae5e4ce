// Loads the real-world schema corpus of fixtures/schemas/: tools in OpenAI and Anthropic shapes,
// Pydantic v2 and zod outputs, zod-to-json-schema draft-07 outputs.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface CorpusEntry {
  file: string;
  kind: "tool" | "schema";
  name: string;
  schema: Record<string, unknown>;
  description?: string;
}

const ROOT = new URL("../../../fixtures/schemas/", import.meta.url).pathname;

function entry(file: string, raw: Record<string, unknown>): CorpusEntry {
  const base = file.replace(/\.json$/, "").replace(/[^A-Za-z0-9_-]/g, "_");
  if (raw.input_schema !== undefined) {
    return {
      file,
      kind: "tool",
      name: String(raw.name),
      schema: raw.input_schema as Record<string, unknown>,
      description: String(raw.description),
    };
  }
  const fn = raw.function as
    { name: string; description: string; parameters: Record<string, unknown> } | undefined;
  if (raw.type === "function" && fn !== undefined)
    return { file, kind: "tool", name: fn.name, schema: fn.parameters, description: fn.description };
  return { file, kind: "schema", name: base, schema: raw };
}

export function loadCorpus(): CorpusEntry[] {
  const out: CorpusEntry[] = [];
  for (const dir of readdirSync(ROOT).sort()) {
    for (const file of readdirSync(join(ROOT, dir)).sort()) {
      if (!file.endsWith(".json")) continue;
      out.push(
        entry(
          `${dir}/${file}`,
          JSON.parse(readFileSync(join(ROOT, dir, file), "utf8")) as Record<string, unknown>,
        ),
      );
    }
  }
  return out;
}
