// The run-time stub registry (StubRegistry, upstream/stubs.ts): stubs added while the gateway runs,
// matched by the simulator before `mock.scripts`, newest first. A stub answers its `times` matching calls
// (its `sequence` in order) and then expires. Definitions arrive as hostile JSON: validated against the
// config's own reply schema, bounded in number, patterns compiled once.
import { Ajv, type ErrorObject } from "ajv";
import { SCRIPT_MATCH_SCHEMA, SCRIPT_REPLY_SCHEMA } from "../../config/schema.ts";
import type { ScriptMatch, ScriptReply } from "../../config/types.ts";
import { invalidRequest } from "../../shared/errors.ts";
import type { StubDefinition, StubRegistry, StubView } from "../stubs.ts";
import type { InvokeRequest } from "../types.ts";
import { compileMatch, type MatchTest } from "./scripts.ts";

/** Stubs held at once: a runaway test loop gets a clear 400 instead of growing the heap. */
export const MAX_STUBS = 1000;
const MAX_SEQUENCE = 1000;

const STUB_SCHEMA = {
  type: "object",
  additionalProperties: false,
  properties: {
    id: { type: "string", pattern: "^[A-Za-z0-9._-]{1,64}$" },
    match: SCRIPT_MATCH_SCHEMA,
    reply: SCRIPT_REPLY_SCHEMA,
    sequence: { type: "array", minItems: 1, maxItems: MAX_SEQUENCE, items: SCRIPT_REPLY_SCHEMA },
    times: { type: "integer", minimum: 1 },
    // The X-Cassette name rule (cassettes/names.ts): letters, digits, `._-/`, no `..`, not absolute.
    cassette: { type: "string", pattern: "^(?!/)(?!.*\\.\\.)[A-Za-z0-9._/-]{1,200}$" },
  },
  oneOf: [{ required: ["reply"] }, { required: ["sequence"] }],
};

const REPLY_HELP =
  "must be exactly one of {text}, {tool_call: {name, input}}, {tool_calls: [{name, input}, …], text?} or " +
  "{error: {status, body}}, each optionally with delay_ms and fault (cut:<n>, error:<n>, stall:<n>:<ms>)";

const validate = new Ajv({ allErrors: true, strict: false }).compile<StubDefinition>(STUB_SCHEMA);

/** One line per problem; a failed `oneOf` is explained once instead of by each of its branches. */
function problems(errors: readonly ErrorObject[]): string[] {
  const where = (path: string): string => (path === "" ? "stub" : path.slice(1).replaceAll("/", "."));
  const oneOfs = errors.filter((e) => e.keyword === "oneOf").map((e) => e.instancePath);
  const lines = new Set<string>();
  for (const e of errors) {
    if (e.keyword === "oneOf") {
      lines.add(
        e.instancePath === ""
          ? "stub: give either reply or sequence"
          : `${where(e.instancePath)}: ${REPLY_HELP}`,
      );
      continue;
    }
    if (oneOfs.some((p) => p !== "" && e.instancePath.startsWith(p))) continue; // a branch of a failed oneOf
    if (e.instancePath === "" && e.keyword === "required") continue;
    const extra = e.keyword === "additionalProperties" ? ` (${String(e.params.additionalProperty)})` : "";
    lines.add(`${where(e.instancePath)}: ${e.message ?? "is invalid"}${extra}`);
  }
  return [...lines];
}

interface Stub {
  id: string;
  match: ScriptMatch;
  test: MatchTest;
  sequence: ScriptReply[];
  times: number | undefined;
  cassette: string | undefined;
  calls: number;
}

function view(stub: Stub): StubView {
  return {
    id: stub.id,
    match: stub.match,
    sequence: stub.sequence,
    times: stub.times ?? null,
    cassette: stub.cassette ?? null,
    calls: stub.calls,
    remaining: stub.times === undefined ? null : stub.times - stub.calls,
  };
}

/** The simulator's side: the reply a request gets from the stubs, if any matches. */
export interface StubMatcher {
  match(
    request: InvokeRequest,
    teamId: string,
    lastUserText: string,
    cassette: string | undefined,
  ): { id: string; reply: ScriptReply } | undefined;
}

export function createStubRegistry(): StubRegistry & StubMatcher {
  /** Insertion order; matched newest first. */
  const stubs = new Map<string, Stub>();
  let next = 1;

  return {
    add(definition) {
      if (!validate(definition))
        throw invalidRequest(
          `Invalid stub: ${problems(validate.errors ?? []).join("; ")}`,
          null,
          "invalid_stub",
        );
      const match = definition.match ?? {};
      let test: MatchTest;
      try {
        test = compileMatch(match, "match");
      } catch (error) {
        throw invalidRequest(`Invalid stub: ${(error as Error).message}`, "match.last_user", "invalid_stub");
      }
      const id = definition.id ?? `stub-${next++}`;
      if (!stubs.has(id) && stubs.size >= MAX_STUBS)
        throw invalidRequest(
          `At most ${MAX_STUBS} stubs at once: DELETE /admin/stubs first.`,
          null,
          "too_many_stubs",
        );
      const sequence = definition.sequence ?? (definition.reply === undefined ? [] : [definition.reply]);
      const stub: Stub = {
        id,
        match,
        test,
        sequence,
        times: definition.times ?? (definition.sequence === undefined ? undefined : sequence.length),
        cassette: definition.cassette,
        calls: 0,
      };
      stubs.delete(id); // a replaced stub becomes the newest
      stubs.set(id, stub);
      return view(stub);
    },
    list: () => [...stubs.values()].reverse().map(view),
    remove: (id) => stubs.delete(id),
    clear(cassette) {
      let removed = 0;
      for (const [id, stub] of stubs) {
        if (cassette !== undefined && stub.cassette !== cassette) continue;
        stubs.delete(id);
        removed++;
      }
      return removed;
    },
    match(request, teamId, lastUserText, cassette) {
      if (stubs.size === 0) return undefined;
      const newestFirst = [...stubs.values()].reverse();
      for (const stub of newestFirst) {
        if (stub.cassette !== undefined && stub.cassette !== cassette) continue;
        if (!stub.test(request, teamId, lastUserText)) continue;
        // Counted before anything awaits, so concurrent calls get successive replies.
        const reply = stub.sequence[Math.min(stub.calls, stub.sequence.length - 1)];
        stub.calls++;
        if (stub.times !== undefined && stub.calls >= stub.times) stubs.delete(stub.id);
        if (reply !== undefined) return { id: stub.id, reply };
      }
      return undefined;
    },
  };
}
