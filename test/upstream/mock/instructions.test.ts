// The rules table of instructions.ts, a test per row, and what obey.ts answers for each kind.
import { describe, expect, it } from "vitest";
import { RULES, readInstruction, type Instruction } from "../../../src/upstream/mock/instructions.ts";
import { arithmetic, obey } from "../../../src/upstream/mock/obey.ts";
import { createRng } from "../../../src/upstream/mock/random.ts";

/** Per row of RULES: prompts it reads, and what it reads from them. */
const ROWS: Record<string, [string, Instruction][]> = {
  "one of A, B, C": [
    [
      "Classify the sentiment as one of positive, negative, neutral: I love it",
      { kind: "choice", options: ["positive", "negative", "neutral"] },
    ],
    [
      "Put this ticket into one of the following categories: billing, technical, account.",
      { kind: "choice", options: ["billing", "technical", "account"] },
    ],
    ["Pick one of: red/green/blue", { kind: "choice", options: ["red", "green", "blue"] }],
  ],
  "respond with only X or Y": [
    ["Respond with only PASSED or FAILED", { kind: "choice", options: ["PASSED", "FAILED"] }],
    ["Reply with either A or B.", { kind: "choice", options: ["A", "B"] }],
    ["Answer with just 'approve' or 'reject'.", { kind: "choice", options: ["approve", "reject"] }],
  ],
  "yes or no": [
    ["Answer yes or no: is Paris in France?", { kind: "choice", options: ["yes", "no"] }],
    ["Is it raining in London? (Yes/No)", { kind: "choice", options: ["Yes", "No"] }],
  ],
  "true or false": [
    ["Respond with true or false: the earth is round.", { kind: "choice", options: ["true", "false"] }],
  ],
  "answer A, B or C": [
    [
      "Review: 'I love it'. Answer positive, negative or neutral.",
      { kind: "choice", options: ["positive", "negative", "neutral"] },
    ],
    ["Label it as spam or ham: 'WIN a FREE cruise'", { kind: "choice", options: ["spam", "ham"] }],
    ["Answer with A, B, C or D.", { kind: "choice", options: ["A", "B", "C", "D"] }],
  ],
  "only OK (unquoted capitals)": [
    ["You are a health check. Reply only with OK.", { kind: "say", text: "OK" }],
    ["Respond with just DONE when finished", { kind: "say", text: "DONE" }],
  ],
  "just the word 'success'": [
    ["Respond with just the word 'success'", { kind: "say", text: "success" }],
    ['Say "hello world"', { kind: "say", text: "hello world" }],
    ['Reply with "OK" if you can read this.', { kind: "say", text: "OK" }],
  ],
  "just the word OK (unquoted)": [
    [
      "Respond with only the word PASSED if the code is correct, otherwise FAILED.",
      { kind: "say", text: "PASSED" },
    ],
  ],
  "a number (from 1 to 10)": [
    ["What is 17 * 3? Answer with just the number.", { kind: "number" }],
    ["Reply with a number from 1 to 10", { kind: "number", min: 1, max: 10 }],
  ],
  "rate from 1 to 10": [["Rate this essay on a scale of 1 to 5.", { kind: "number", min: 1, max: 5 }]],
  "N bullet points / list N": [
    ["Give me three bullet points about cats", { kind: "bullets", count: 3, numbered: false }],
    ["List 5 fruits", { kind: "bullets", count: 5, numbered: false }],
    ["Describe the four steps to bake bread", { kind: "bullets", count: 4, numbered: true }],
  ],
  "in one sentence": [
    ["Explain recursion in one sentence.", { kind: "sentences", count: 1 }],
    ["Summarise it in two sentences", { kind: "sentences", count: 2 }],
  ],
  "under 20 words / in one word": [
    ["Summarise the plot in under 20 words", { kind: "words", max: 19 }],
    ["Describe Paris in one word", { kind: "words", max: 1 }],
    ["Answer in at most 8 words.", { kind: "words", max: 8 }],
  ],
};

describe("the instruction rules table", () => {
  it("has a test row for every rule", () => {
    expect(Object.keys(ROWS).sort()).toEqual(RULES.map((r) => r.name).sort());
  });

  for (const rule of RULES) {
    it.each(ROWS[rule.name] ?? [])(`${rule.name}: %j`, (prompt, expected) => {
      expect(rule.pattern.test(prompt), `${rule.name} reads ${prompt}`).toBe(true);
      expect(readInstruction(prompt)).toEqual(expected);
    });
  }

  it.each([
    ["Hi! What is 2+2?"],
    ["How should I plan a database migration?"],
    ["Write a haiku about autumn leaves"],
    ["Tell me one of your favourite books"],
    ["Explain what JSON is"],
    ["Give me a number of reasons to learn Rust"],
    ["Respond only with JSON."],
    ["Respond politely or not at all"],
    ["Reply in English or French"],
    ["Answer the question or say you do not know"],
    [""],
  ])("a prompt without a constraint states none: %j", (prompt) => {
    expect(readInstruction(prompt)).toBeUndefined();
  });

  it("reads only the ends of a long prompt", () => {
    const middle = `${"filler text ".repeat(1000)}Respond with only PASSED or FAILED ${"more filler ".repeat(1000)}`;
    expect(readInstruction(middle)).toBeUndefined();
    expect(readInstruction(`${"filler text ".repeat(1000)}Respond with only PASSED or FAILED`)).toBeDefined();
  });
});

describe("obey", () => {
  const context = (prompt: string, evidence = "") => ({
    rng: createRng(7),
    topics: ["cats"],
    prompt,
    evidence,
  });

  it("takes the success side of a pass/fail pair, whatever the order", () => {
    expect(obey({ kind: "choice", options: ["FAILED", "PASSED"] }, context("x"))).toBe("PASSED");
    expect(obey({ kind: "choice", options: ["no", "yes"] }, context("x"))).toBe("yes");
  });

  it("takes the option a tool result names over the success side", () => {
    expect(obey({ kind: "choice", options: ["PASSED", "FAILED"] }, context("x", "3 tests FAILED"))).toBe(
      "FAILED",
    );
  });

  it("reads sentiment for positive/negative labels", () => {
    const labels = { kind: "choice" as const, options: ["positive", "negative", "neutral"] };
    expect(obey(labels, context("I love this, it is excellent"))).toBe("positive");
    expect(obey(labels, context("Terrible service, I hate waiting"))).toBe("negative");
    expect(obey(labels, context("The parcel arrived on Tuesday"))).toBe("neutral");
  });

  it("computes the arithmetic a number answer asks about, else stays in range", () => {
    expect(obey({ kind: "number" }, context("What is 17 * 3? Answer with just the number."))).toBe("51");
    const rated = Number(obey({ kind: "number", min: 1, max: 5 }, context("Rate it from 1 to 5")));
    expect(rated).toBeGreaterThanOrEqual(1);
    expect(rated).toBeLessThanOrEqual(5);
  });

  it.each([
    ["2+2", 4],
    ["5-3", 2],
    ["3 * 4 + 2", 14],
    ["10 / 4", 2.5],
    ["7 plus 8", 15],
    ["-3 + 5", 2],
    ["what is 12 × 3?", 36],
    ["no numbers here", undefined],
  ])("arithmetic(%j) = %j", (text, value) => expect(arithmetic(text)).toBe(value));

  it("writes exactly the sentences, bullets and words asked for", () => {
    expect(obey({ kind: "sentences", count: 1 }, context("x")).match(/[.!?](\s|$)/g)).toHaveLength(1);
    const bullets = obey({ kind: "bullets", count: 3, numbered: false }, context("x")).split("\n");
    expect(bullets).toHaveLength(3);
    for (const line of bullets) expect(line).toMatch(/^- \S/);
    expect(obey({ kind: "bullets", count: 2, numbered: true }, context("x"))).toMatch(/^1\. .+\n2\. /);
    expect(obey({ kind: "words", max: 19 }, context("x")).split(/\s+/).length).toBeLessThanOrEqual(19);
    expect(obey({ kind: "words", max: 1 }, context("x"))).toMatch(/^[A-Z][a-z]+\.$/);
  });
});
