import { describe, expect, it } from "vitest";
import { createSchemaFaker } from "../../../src/upstream/mock/schema-data.ts";
import { minimalInstance } from "../../../src/upstream/mock/minimal-instance.ts";
import { loadCorpus } from "./schema-corpus.ts";

const corpus = loadCorpus();
const SEEDS = [0, 1, 2, 3, 42, 1234567];

describe("schema corpus", () => {
  it("holds at least 50 real-world schemas of every origin", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(50);
    for (const dir of ["pydantic/", "zod/", "tools/", "draft-07/"])
      expect(corpus.some((e) => e.file.startsWith(dir))).toBe(true);
  });
});

describe("createSchemaFaker", () => {
  const faker = createSchemaFaker();

  it.each(corpus.map((e) => [e.file, e] as const))(
    "generates values valid against %s for every seed",
    (_file, entry) => {
      const validate = faker.validator(entry.schema);
      expect(typeof validate).toBe("function");
      if (typeof validate === "string") return;
      for (const seed of SEEDS) {
        const outcome = faker.fake(entry.schema, seed);
        expect(outcome.ok, `${entry.file} seed ${seed}: ${outcome.ok ? "" : outcome.reason}`).toBe(true);
        if (!outcome.ok) continue;
        expect(
          validate(outcome.value),
          `${entry.file} seed ${seed}: ${JSON.stringify(validate.errors)}`,
        ).toBe(true);
      }
    },
  );

  it("is deterministic per schema and seed, and varies with the seed", () => {
    const schema = corpus.find((e) => e.file === "pydantic/person.json")?.schema;
    const a = JSON.stringify(createSchemaFaker().fake(schema, 7));
    const b = JSON.stringify(createSchemaFaker().fake(schema, 7));
    const c = JSON.stringify(createSchemaFaker().fake(schema, 8));
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it("compiles each schema once (the validator is cached)", () => {
    const schema = { type: "object", properties: { a: { type: "integer" } }, required: ["a"] };
    const local = createSchemaFaker();
    expect(local.validator(schema)).toBe(local.validator(structuredClone(schema)));
  });

  it("reports broken and unsatisfiable schemas instead of returning data", () => {
    expect(faker.fake({ type: "object", properties: { a: { type: "wat" } } }, 1)).toMatchObject({
      ok: false,
    });
    const never = faker.fake(
      { type: "object", properties: { a: { type: "integer", minimum: 5, maximum: 1 } }, required: ["a"] },
      1,
    );
    expect(never.ok).toBe(false);
  });

  it("does not mutate the caller's schema", () => {
    const entry = corpus.find((e) => e.file === "pydantic/invoice.json");
    const before = JSON.stringify(entry?.schema);
    createSchemaFaker().fake(entry?.schema, 3);
    expect(JSON.stringify(entry?.schema)).toBe(before);
  });
});

describe("plausible numbers", () => {
  it("puts unbounded numbers in the range their name suggests, and leaves bounded ones to the schema", () => {
    const faker = createSchemaFaker();
    const schema = {
      type: "object",
      properties: {
        age: { type: "number" },
        birthYear: { type: "integer" },
        price: { type: "number" },
        rating: { type: "integer" },
        level: { type: "integer", minimum: 500, maximum: 600 },
      },
      required: ["age", "birthYear", "price", "rating", "level"],
    };
    for (const seed of SEEDS) {
      const outcome = faker.fake(schema, seed);
      if (!outcome.ok) throw new Error(outcome.reason);
      const v = outcome.value as Record<string, number>;
      expect(v.age).toBeGreaterThanOrEqual(18);
      expect(v.age).toBeLessThanOrEqual(80);
      expect(Number.isInteger(v.age)).toBe(true);
      expect(v.birthYear).toBeGreaterThanOrEqual(1990);
      expect(v.birthYear).toBeLessThanOrEqual(2030);
      expect(v.price).toBeGreaterThanOrEqual(5);
      expect(v.price).toBeLessThanOrEqual(500);
      expect(v.rating).toBeGreaterThanOrEqual(1);
      expect(v.rating).toBeLessThanOrEqual(5);
      expect(v.level).toBeGreaterThanOrEqual(500);
      expect(v.level).toBeLessThanOrEqual(600);
    }
  });
});

describe("plausible strings", () => {
  it("free-text fields named email, phone, url, street, country or date look like one", () => {
    const faker = createSchemaFaker();
    const names = ["email", "phoneNumber", "website", "street", "country", "due_date"];
    const schema = {
      type: "object",
      properties: Object.fromEntries(names.map((n) => [n, { type: "string" }])),
      required: names,
    };
    for (const seed of SEEDS) {
      const outcome = faker.fake(schema, seed);
      if (!outcome.ok) throw new Error(outcome.reason);
      const v = outcome.value as Record<string, string>;
      expect(v.email).toMatch(/^[a-z.-]+@example\.com$/);
      expect(v.phoneNumber).toMatch(/^\+1 555 01\d\d$/);
      expect(v.website).toMatch(/^https:\/\/example\.com\/\w+$/);
      expect(v.street).toMatch(/^\d+ [A-Z]\w+ (Street|Avenue|Road|Lane)$/);
      expect(v.country).toMatch(/^[A-Z][a-z]+$/);
      expect(v.due_date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});

describe("minimalInstance (the repair pass)", () => {
  it.each(corpus.filter((e) => !e.file.includes("pattern")).map((e) => [e.file, e] as const))(
    "yields something for %s",
    (_file, entry) => {
      expect(minimalInstance(entry.schema).ok).toBe(true);
    },
  );
});

describe("hostile schemas", () => {
  const faker = createSchemaFaker();

  it.each([
    [{ type: "array", items: { type: "string" }, minItems: 1_000_000 }],
    [{ type: "string", minLength: 50_000_000 }],
    [{ type: "object", minProperties: 100_000 }],
  ])("refuses %j instead of stalling", (schema) => {
    const outcome = faker.fake(schema, 1);
    expect(outcome.ok).toBe(false);
    expect(outcome.ok ? "" : outcome.reason).toMatch(/too demanding/);
  });

  it("compiles two different schemas that share an $id", () => {
    const a = faker.fake(
      {
        $id: "https://example.com/s",
        type: "object",
        properties: { a: { type: "integer" } },
        required: ["a"],
      },
      1,
    );
    const b = faker.fake(
      {
        $id: "https://example.com/s",
        type: "object",
        properties: { b: { type: "string" } },
        required: ["b"],
      },
      1,
    );
    expect(a).toMatchObject({ ok: true, value: { a: expect.any(Number) } });
    expect(b).toMatchObject({ ok: true, value: { b: expect.any(String) } });
  });

  it("keeps a bounded cache", () => {
    const small = createSchemaFaker({ cacheSize: 4 });
    const first = { type: "object", properties: { n0: { type: "integer" } } };
    const validator = small.validator(first);
    for (let i = 1; i < 10; i++)
      small.validator({ type: "object", properties: { [`n${i}`]: { type: "integer" } } });
    expect(small.validator(first)).not.toBe(validator);
  });
});
