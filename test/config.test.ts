import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { DEFAULT_CONFIG } from "../src/config/defaults.ts";

describe("config.yaml", () => {
  it("documents exactly the built-in defaults", () => {
    const file: unknown = parse(readFileSync(new URL("../config.yaml", import.meta.url), "utf8"));
    expect(file).toEqual(DEFAULT_CONFIG);
  });
});
