// The simulator's small pure parts, table-driven.
import { describe, expect, it } from "vitest";
import { normaliseToolChoice, relatedTool, relatedTools } from "../../../src/upstream/mock/tool-choice.ts";
import { asksForJson } from "../../../src/upstream/mock/conversation.ts";
import { DEFAULT_CONFIG } from "../../../src/config/defaults.ts";
import { faultDraw, parseFault } from "../../../src/upstream/mock/faults.ts";
import { topicWords } from "../../../src/upstream/mock/prose.ts";
import { shortModelName, structuredSchema } from "../../../src/upstream/mock/request-checks.ts";
import { createTeamDirectory } from "../../../src/upstream/mock/teams.ts";

describe("parseFault", () => {
  it.each([
    ["throttle", { kind: "throttle" }],
    [" Timeout ", { kind: "timeout" }],
    ["500", { kind: "500" }],
    ["server_error", { kind: "500" }],
    ["reset", { kind: "reset" }],
    ["malformed", { kind: "malformed" }],
    ["slow:250", { kind: "slow", ms: 250 }],
  ])("%j → %j", (header, fault) => expect(parseFault(header)).toEqual(fault));

  it.each([["slow:"], ["slow:-1"], ["slow:9999999"], ["boom"]])(
    "%j is refused with the allowed values",
    (header) => {
      expect(parseFault(header)).toMatch(/^X-Mock-Fault must be one of/);
    },
  );

  it("no header, no fault", () => {
    expect(parseFault(undefined)).toBeUndefined();
    expect(parseFault("")).toBeUndefined();
  });
});

describe("faultDraw", () => {
  it("never faults with zero rates and always with a rate of 1", () => {
    const none = faultDraw(
      { ...DEFAULT_CONFIG.mock.faults, throttle: 0, timeout: 0, server_error: 0, reset: 0, malformed: 0 },
      1,
    );
    const all = faultDraw(
      { ...DEFAULT_CONFIG.mock.faults, throttle: 0, timeout: 0, server_error: 0, reset: 0, malformed: 1 },
      1,
    );
    for (let i = 0; i < 50; i++) {
      expect(none()).toBeUndefined();
      expect(all()).toEqual({ kind: "malformed" });
    }
  });

  it("draws roughly the configured share", () => {
    const draw = faultDraw(
      { ...DEFAULT_CONFIG.mock.faults, throttle: 0.25, timeout: 0, server_error: 0, reset: 0, malformed: 0 },
      7,
    );
    let hits = 0;
    for (let i = 0; i < 4000; i++) if (draw() !== undefined) hits++;
    expect(hits).toBeGreaterThan(800);
    expect(hits).toBeLessThan(1200);
  });
});

describe("tool choice", () => {
  it.each([
    ["auto", { kind: "auto" }],
    [undefined, { kind: "auto" }],
    [{ type: "auto" }, { kind: "auto" }],
    ["any", { kind: "any" }],
    ["required", { kind: "any" }],
    [{ type: "any" }, { kind: "any" }],
    ["none", { kind: "none" }],
    [{ type: "none" }, { kind: "none" }],
    [
      { type: "tool", name: "f" },
      { kind: "tool", name: "f" },
    ],
  ])("normaliseToolChoice(%j) → %j", (raw, choice) => expect(normaliseToolChoice(raw)).toEqual(choice));

  const tools = [
    { name: "get_weather", description: "Current weather for a city", input_schema: {} },
    { name: "searchFlights", description: "Find flights between airports", input_schema: {} },
  ];
  it.each([
    ["What's the weather in Oslo?", "get_weather"],
    ["Find me flights from Paris to Rome", "searchFlights"],
    ["Write a poem about spring", undefined],
  ])("relatedTool(%j) → %s", (text, name) => expect(relatedTool(tools, text)?.name).toBe(name));
  const overlapping = [
    { name: "get_weather", description: "Current weather for a city", input_schema: {} },
    { name: "get_time", description: "Current local time in a time zone", input_schema: {} },
  ];
  it.each([
    ["What's the weather in Oslo and the local time there?", ["get_weather", "get_time"]],
    ["What's the current weather?", ["get_weather"]],
    ["Write a poem about spring", []],
  ])("relatedTools(%j) → %j (only words no other tool shares count)", (text, names) =>
    expect(relatedTools(overlapping, text).map((t) => t.name)).toEqual(names),
  );
});

describe("request checks", () => {
  it.each([
    ["us.anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku-20241022"],
    ["anthropic.claude-3-haiku-20240307-v1:0", "claude-3-haiku-20240307"],
    ["us.deepseek.r1-v1:0", "r1"],
    ["mistral.mistral-7b-instruct-v0:2", "mistral-7b-instruct"],
  ])("shortModelName(%s) → %s", (id, name) => expect(shortModelName(id)).toBe(name));

  const schema = { type: "object", properties: { a: { type: "string" } } };
  it.each([
    [{ type: "json_schema", json_schema: { name: "n", strict: true, schema } }, schema],
    [{ json_schema: { name: "n", schema } }, schema],
    [schema, schema],
    [{ type: "json_object" }, { type: "object" }],
    ["json", undefined],
  ])("structuredSchema(%j)", (rf, expected) => expect(structuredSchema(rf)).toEqual(expected));
});

describe("topicWords", () => {
  it("keeps distinctive words, drops stop words, never echoes the sentence", () => {
    expect(topicWords("Could you please explain how photosynthesis works in plants?")).toEqual([
      "photosynthesis",
      "plants",
      "works",
    ]);
    expect(topicWords("What is 2+2?")).toEqual([]);
  });
});

describe("team directory", () => {
  const directory = createTeamDirectory([{ team_id: "t", api_token: "secret", budget_limit: 5 }]);
  it("authenticates the right token only", () => {
    expect(directory.authenticate({ teamId: "t", apiToken: "secret", teamField: "team_id" })?.team_id).toBe(
      "t",
    );
    expect(directory.authenticate({ teamId: "t", apiToken: "secreT", teamField: "team_id" })).toBeUndefined();
    expect(directory.authenticate({ teamId: "u", apiToken: "secret", teamField: "team_id" })).toBeUndefined();
    expect(directory.authenticate(undefined)).toBeUndefined();
  });

  it("keeps refusing wrong pairs after a right one was remembered, even when ids hold newlines", () => {
    const teams = createTeamDirectory([
      { team_id: "a\nb", api_token: "c", budget_limit: 5 },
      { team_id: "a", api_token: "real", budget_limit: 5 },
    ]);
    const right = { teamId: "a\nb", apiToken: "c", teamField: "team_id" } as const;
    expect(teams.authenticate(right)?.team_id).toBe("a\nb");
    expect(teams.authenticate(right)?.team_id).toBe("a\nb");
    // Same remembered key text ("a\nb\nc"), another team and a wrong token.
    expect(teams.authenticate({ teamId: "a", apiToken: "b\nc", teamField: "team_id" })).toBeUndefined();
    expect(teams.authenticate({ teamId: "a\nb", apiToken: "C", teamField: "team_id" })).toBeUndefined();
  });
});

describe("asksForJson", () => {
  const ask = (text: string, system?: string) =>
    asksForJson({
      model: "m",
      max_tokens: 10,
      messages: [{ role: "user", content: text }],
      ...(system === undefined ? {} : { system }),
    });
  it.each([
    ["Reply with one valid JSON object and nothing else.\n\nList three colours", true],
    ["List three colours. Respond only in JSON.", true],
    ["please return the result as JSON", true],
    ["What does the API return in JSON?", false],
    ["Tell me about JSON", false],
    ["Give me JSON with the keys city and country for Paris", true],
    ["Generate a JSON object describing a cat", true],
    ["Extract the name and age as JSON: John is 30.", true],
    ["Format the output as JSON.", true],
    ["Write a JSON parser in Python", false],
    ["How do I parse dates in JSON?", false],
    ["Generate JSON schemas for my API", false],
  ])("%j → %s", (text, expected) => expect(ask(text)).toBe(expected));
  it("a prefill opening an object or array asks for JSON", () => {
    const prefilled = (prefill: string) =>
      asksForJson({
        model: "m",
        max_tokens: 10,
        messages: [
          { role: "user", content: "Describe a cat" },
          { role: "assistant", content: prefill },
        ],
      });
    expect(prefilled("{")).toBe(true);
    expect(prefilled("[")).toBe(true);
    expect(prefilled("The cat")).toBe(false);
  });
  it("reads the top-level system prompt too", () => expect(ask("hi", "Answer in JSON.")).toBe(true));
});
