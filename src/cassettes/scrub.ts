// What never reaches a cassette. Two kinds of secrets: the caller's credentials (known values: the
// api token is replaced by [REDACTED]; the team id by a placeholder that replay fills back with the
// replaying caller's own team id) and anything matching `recording.redact_patterns`. Fields whose
// name says "credential" are scrubbed wherever they appear, known value or not.
import { setOwn } from "./canonical.ts";
import type { Credentials } from "../upstream/types.ts";

/** Top-level request fields dropped before anything is stored. */
export const NEVER_STORED_REQUEST_FIELDS: readonly string[] = ["api_token", "team_id", "participant_id"];

/** Keys whose values are replaced by [REDACTED] at any depth of a stored request or response. */
export const SECRET_KEYS: readonly string[] = [
  "api_token",
  "apitoken",
  "authorization",
  "x-api-token",
  "x-api-key",
];

/** Keys whose string values are team ids: replaced by the placeholder at any depth. */
export const TEAM_KEYS: readonly string[] = ["team_id", "participant_id"];

/** Response headers worth keeping; every other header (cookies, auth echoes, dates) is dropped. */
export const KEPT_RESPONSE_HEADERS: readonly string[] = [
  "content-type",
  "retry-after",
  "x-amzn-errortype",
  "x-amzn-requestid",
];

/**
 * Upstream answers that are never stored, in any mode: they depend on who calls (a wrong token, a model
 * the team may not use, the team's exhausted budget), not on the request, so replaying one would answer
 * the next caller with somebody else's refusal — forever, since the key ignores credentials.
 */
export const CALLER_DEPENDENT_STATUSES: readonly number[] = [401, 403, 429];

export const REDACTED = "[REDACTED]";
export const TEAM_PLACEHOLDER = "<team_id>";

/**
 * Credentials this long are replaced wherever they appear. Shorter ones are replaced where they stand
 * alone — not inside a longer word, so team "demo" leaves "demonstration" intact — and a short team id
 * only where a whole value equals it (its placeholder is filled back on replay). An upstream that echoed
 * a 6-character token wrote it to the cassette verbatim before.
 */
const MIN_SUBSTRING_SECRET = 8;

function replaceSecret(text: string, secret: string, by: string, json: boolean, standalone = false): string {
  const needle = json ? JSON.stringify(secret).slice(1, -1) : secret;
  if (secret.length >= MIN_SUBSTRING_SECRET) return text.replaceAll(needle, () => by);
  if (standalone) {
    const escaped = needle.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
    return text.replace(new RegExp(`(?<![\\w-])${escaped}(?![\\w-])`, "g"), () => by);
  }
  if (json) return text.replaceAll(`"${needle}"`, () => `"${by}"`);
  return text === secret ? by : text;
}

export function compileRedactions(patterns: readonly string[]): RegExp[] {
  return patterns.map((pattern) => {
    try {
      return new RegExp(pattern, "g");
    } catch (error) {
      throw new Error(
        `recording.redact_patterns: ${JSON.stringify(pattern)} is not a valid regular expression (${String(error)}).`,
        { cause: error },
      );
    }
  });
}

export class Scrubber {
  readonly #teamId: string | undefined;
  readonly #tokens: readonly string[];
  readonly #patterns: readonly RegExp[];

  /** `configured`: credentials from the configuration (upstream token, simulated teams' tokens). */
  constructor(
    credentials: Credentials | undefined,
    patterns: readonly RegExp[],
    configured: readonly string[] = [],
  ) {
    this.#teamId = credentials?.teamId === "" ? undefined : credentials?.teamId;
    // Longest first: a token that contains another is replaced whole.
    this.#tokens = [...new Set([credentials?.apiToken ?? "", ...configured])]
      .filter((token) => token !== "")
      .sort((a, b) => b.length - a.length);
    this.#patterns = patterns;
  }

  /** The request as stored: credential fields dropped, secrets scrubbed at every depth. */
  request(request: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(request)) {
      if (!NEVER_STORED_REQUEST_FIELDS.includes(key) && value !== undefined)
        setOwn(out, key, this.value(value, key));
    }
    return out;
  }

  /** Scrub any JSON value (objects and arrays are copied). */
  value(value: unknown, key = ""): unknown {
    if (typeof value === "string") {
      const lower = key.toLowerCase();
      if (SECRET_KEYS.includes(lower)) return REDACTED;
      if (TEAM_KEYS.includes(lower)) return TEAM_PLACEHOLDER;
      return this.text(value);
    }
    if (Array.isArray(value)) return value.map((item) => this.value(item));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [childKey, child] of Object.entries(value))
        setOwn(out, childKey, this.value(child, childKey));
      return out;
    }
    return value;
  }

  /** Scrub free text: a whole string value, or a raw body (`json`: the text is JSON, so match escaped). */
  text(text: string, json = false): string {
    let out = text;
    for (const token of this.#tokens) out = replaceSecret(out, token, REDACTED, json, true);
    if (this.#teamId !== undefined) out = replaceSecret(out, this.#teamId, TEAM_PLACEHOLDER, json);
    for (const pattern of this.#patterns) out = out.replace(pattern, REDACTED);
    return out;
  }

  /** Response headers worth keeping, lower-cased and scrubbed. */
  headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      if (KEPT_RESPONSE_HEADERS.includes(lower)) out[lower] = this.text(value);
    }
    return out;
  }
}

/**
 * Put the replaying caller's team id back where the recording has the placeholder. There is always
 * one: a caller without credentials gets the proxy's 401, never a recording (so never the placeholder).
 */
export function fillTeam(value: unknown, teamId: string): unknown {
  // A function replacer: a team id such as "$&" must be inserted literally, not as a replacement pattern.
  if (typeof value === "string") return value.replaceAll(TEAM_PLACEHOLDER, () => teamId);
  if (Array.isArray(value)) return value.map((item) => fillTeam(item, teamId));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) setOwn(out, key, fillTeam(child, teamId));
    return out;
  }
  return value;
}

export function fillTeamInText(text: string, teamId: string, json: boolean): string {
  const filled = json ? JSON.stringify(teamId).slice(1, -1) : teamId;
  return text.replaceAll(TEAM_PLACEHOLDER, () => filled);
}
