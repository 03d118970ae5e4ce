import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  canonicalJson,
  diffPaths,
  matchRules,
  requestKey,
  withoutPaths,
} from "../../src/cassettes/canonical.ts";
import { cassetteNameProblem } from "../../src/cassettes/names.ts";
import { Scrubber, compileRedactions } from "../../src/cassettes/scrub.ts";

describe("request keys", () => {
  it("canonical JSON sorts keys at every depth and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[{"y":2,"z":1}]},"b":1}',
    );
  });

  it("ignored paths support * for any key or index", () => {
    const request = {
      model: "m",
      messages: [
        { role: "user", content: "a", meta: 1 },
        { role: "user", content: "b", meta: 2 },
      ],
    };
    expect(withoutPaths(request, ["messages.*.meta"])).toEqual({
      model: "m",
      messages: [
        { role: "user", content: "a" },
        { role: "user", content: "b" },
      ],
    });
    expect(requestKey(request, matchRules(["messages.*.meta"]))).toBe(
      requestKey(
        { ...request, messages: request.messages.map((m) => ({ ...m, meta: 9 })) },
        matchRules(["messages.*.meta"]),
      ),
    );
    expect(requestKey(request, matchRules([]))).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("credentials are ignored for matching even in hand-written recordings", () => {
    const rules = matchRules([]);
    expect(requestKey({ model: "m", api_token: "x", team_id: "t" }, rules)).toBe(
      requestKey({ model: "m" }, rules),
    );
  });

  it("diffs name leaf paths, including absent ones", () => {
    expect(diffPaths({ a: [1, 2], b: "x" }, { a: [1, 3], c: true })).toEqual([
      { path: "a[1]", request: "2", recorded: "3" },
      { path: "b", request: '"x"', recorded: undefined },
      { path: "c", request: undefined, recorded: "true" },
    ]);
  });
});

describe("names", () => {
  it.each(["default", "suite/chat.v2", "a_b-c/D9"])("accepts %j", (name) =>
    expect(cassetteNameProblem(name)).toBeUndefined(),
  );
});

describe("scrubbing", () => {
  it("redacts configured patterns and secret-named keys at any depth", () => {
    const scrubber = new Scrubber(undefined, compileRedactions(["\\b\\d{4}-\\d{4}\\b"]));
    expect(
      scrubber.value({ note: "card 1234-5678 ok", nested: [{ Authorization: "Bearer abc" }], team_id: "t" }),
    ).toEqual({
      note: "card [REDACTED] ok",
      nested: [{ Authorization: "[REDACTED]" }],
      team_id: "<team_id>",
    });
  });

  it("an invalid redaction pattern is a clear error", () => {
    expect(() => compileRedactions(["(unclosed"])).toThrow(
      /recording.redact_patterns: "\(unclosed" is not a valid regular expression/,
    );
  });
});

describe("request keys stay what earlier versions computed", () => {
  // The key as it was first defined: canonical JSON of withoutPaths(request). Every cassette on disk
  // was keyed this way, so the faster requestKey must give the same hash for every request.
  const reference = (request: unknown, ignored: readonly string[]): string =>
    `sha256:${createHash("sha256")
      .update(canonicalJson(withoutPaths(request, matchRules(ignored).ignoredFields)))
      .digest("hex")}`;
  const requests: unknown[] = [
    { model: "m", messages: [{ role: "user", content: "hi" }], max_tokens: 5 },
    { z: 1, a: { y: [3, { b: 1, a: undefined }, null], x: "s" }, team_id: "t", api_token: "k" },
    JSON.parse('{"__proto__": {"polluted": 1}, "messages": [{"content": [{"type": "text"}]}]}'),
    {
      messages: [
        { content: "a", cache: 1 },
        { content: "b", cache: 2 },
      ],
      temperature: 0.5,
    },
    [1, "two", { three: 3 }],
    null,
    "text",
    { nested: { deeper: { deepest: [[], {}, [{}]] } }, n: -0, e: 1e21 },
  ];
  const ignoreSets: string[][] = [[], ["temperature"], ["messages.*.cache"], ["nested.deeper", "*.x"]];

  it.each(ignoreSets.map((set) => [set.join(",") || "(none)", set]))("ignoring %s", (_name, ignored) => {
    const rules = matchRules(ignored);
    for (const request of requests) expect(requestKey(request, rules)).toBe(reference(request, ignored));
  });
});
