// Shared set-up for cassette tests: a temp cassette dir, options for withCassettes, and requests.
import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CassetteMode, CassetteOptions } from "../../src/cassettes/recorder.ts";
import type { Config } from "../../src/config/types.ts";
import { ManualClock } from "../../src/shared/clock.ts";
import { createLogger } from "../../src/shared/logger.ts";
import type { InvokeContext, InvokeRequest } from "../../src/upstream/types.ts";

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "bpg-cassettes-"));
}

export function cassetteOptions(
  dir: string,
  mode: CassetteMode,
  recording: Partial<Config["recording"]> = {},
): CassetteOptions {
  return {
    mode,
    recording: { dir, cassette: "default", ignore_fields: [], redact_patterns: [], ...recording },
    clock: new ManualClock(),
    logger: createLogger("silent"),
  };
}

export function ask(text: string, extra: Partial<InvokeRequest> = {}): InvokeRequest {
  return {
    model: "us.anthropic.claude-3-haiku-20240307-v1:0",
    max_tokens: 256,
    messages: [{ role: "user", content: text }],
    ...extra,
  };
}

export function ctx(
  teamId = "team_alpha_2025",
  apiToken = "tok-alpha-secret",
  extra: Partial<InvokeContext> = {},
): InvokeContext {
  return { credentials: { teamId, apiToken, teamField: "team_id" }, requestId: "req_test", ...extra };
}

/** Every file under `dir`, recursively, with its text. */
export function filesUnder(dir: string): Array<{ path: string; text: string }> {
  const out: Array<{ path: string; text: string }> = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push({ path, text: readFileSync(path, "utf8") });
  }
  return out;
}
