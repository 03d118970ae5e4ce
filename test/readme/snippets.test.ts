// The README cannot drift from the code (issue 12): every TypeScript block is type-checked with the
// project's strict settings and run, every shell block that talks to a gateway is run, the Python block
// is run with the official client, and every shell block at least parses — all against a gateway on
// port 0 (the README's 127.0.0.1:8787 and localhost:8787 are rewritten to it). The package import
// `bedrock-proxy-gateway` is pointed at src/index.ts, so the sources are what is checked.
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { format } from "prettier";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../../src/config/load.ts";
import type { ConfigOverrides } from "../../src/config/types.ts";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";
import { pythonClients, runPython } from "../helpers/python.ts";

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, "..", "..");
// Inside the repository, so `openai`/`zod` resolve from its node_modules (and outside node_modules,
// where Node would refuse to strip types). Ignored by git, eslint and prettier; removed afterwards.
const WORK = join(ROOT, ".readme-snippets");
const README = readFileSync(join(ROOT, "README.md"), "utf8");

interface Block {
  lang: string;
  code: string;
  line: number;
}

/** The fenced code blocks of `markdown`, with the line each starts on. */
export function codeBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  for (const m of markdown.matchAll(/^```(\w+)\n([\s\S]*?)^```$/gm)) {
    blocks.push({
      lang: m[1] ?? "",
      code: m[2] ?? "",
      line: markdown.slice(0, m.index).split("\n").length,
    });
  }
  return blocks;
}

const blocks = codeBlocks(README);
// Test files the README shows (a vitest suite, a pytest module) run under their own runners, in
// test/agent/readme-example.test.ts and test/agent/python.test.ts; every other block runs here.
const isTestFile = (b: Block): boolean => /from "vitest"|^import pytest/m.test(b.code);
const ts = blocks.filter((b) => b.lang === "ts" && !isTestFile(b));
const sh = blocks.filter((b) => b.lang === "sh");
const python = blocks.filter((b) => b.lang === "python" && !isTestFile(b));
const jsonBlocks = blocks.filter((b) => b.lang === "json");
const yamlBlocks = blocks.filter((b) => b.lang === "yaml");
/** Shell blocks that only talk to a running gateway (the others start servers, install, or record). */
const live = sh.filter(
  (b) => /^(curl|npm run bpg -- (gpu|quota))/m.test(b.code) && !/npm (start|test|install)|&$/m.test(b.code),
);

let gw: Gateway;
const pointAt = (code: string): string =>
  code
    .replaceAll("http://127.0.0.1:8787", gw.url)
    .replaceAll("localhost:8787", `localhost:${gw.port}`)
    .replaceAll('from "bedrock-proxy-gateway"', 'from "../src/index.ts"');

beforeAll(async () => {
  gw = await startTestGateway();
  mkdirSync(WORK, { recursive: true });
});
afterAll(async () => {
  await gw.close();
  rmSync(WORK, { recursive: true, force: true });
});

describe("README snippets", () => {
  it("has the blocks this test knows how to check", () => {
    expect(ts.length).toBeGreaterThanOrEqual(2);
    expect(live.length).toBeGreaterThanOrEqual(3);
    expect(python.length).toBeGreaterThanOrEqual(1);
    expect(blocks.filter((b) => !["ts", "sh", "python", "yaml", "json"].includes(b.lang))).toEqual([]);
  });

  it.each(jsonBlocks.map((b) => [b.line, b] as const))("the JSON block at line %i parses", (_line, block) => {
    expect(() => JSON.parse(block.code) as unknown).not.toThrow();
  });

  it.each(yamlBlocks.map((b) => [b.line, b] as const))(
    "the YAML block at line %i is a valid configuration fragment",
    (_line, block) => {
      const overrides = parseYaml(block.code) as ConfigOverrides;
      // Validation lists every unknown key or bad value; a fragment that loads is one users can paste.
      expect(() => loadConfig({ implicitFile: false, env: {}, overrides })).not.toThrow();
    },
  );

  it("the vitest example is test/agent/readme-example.test.ts as printed (import path and layout aside)", async () => {
    const example = blocks.find((b) => b.lang === "ts" && isTestFile(b));
    expect(example, "README shows a vitest example").toBeDefined();
    const file = join(ROOT, "test", "agent", "readme-example.test.ts");
    const copy = readFileSync(file, "utf8").replace(/^(\/\/.*\n)+/, "");
    const printed = (example?.code ?? "").replace('"bedrock-proxy-gateway"', '"../../src/index.ts"');
    const options = { parser: "typescript", printWidth: 110 } as const;
    expect(await format(copy, options)).toBe(await format(printed, options));
  });

  it("every TypeScript block type-checks under the project's strict settings", async () => {
    const files = ts.map((b) => `readme-line-${b.line}.ts`);
    ts.forEach((b, i) => writeFileSync(join(WORK, files[i] ?? ""), pointAt(b.code)));
    writeFileSync(
      join(WORK, "tsconfig.json"),
      JSON.stringify({ extends: "../tsconfig.json", include: files, compilerOptions: { noEmit: true } }),
    );
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    const result = await run(process.execPath, [tsc, "-p", join(WORK, "tsconfig.json")], { cwd: ROOT }).then(
      () => "",
      (error: { stdout?: string }) => error.stdout ?? String(error),
    );
    expect(result).toBe("");
    // tsc over the SDKs' types takes ~10 s alone and several times that on a loaded 2-core machine.
  }, 120_000);

  it.each(ts.map((b) => [b.line, b] as const))(
    "the TypeScript block at line %i runs",
    async (line, block) => {
      const file = join(WORK, `run-${line}.ts`);
      writeFileSync(file, pointAt(block.code));
      const { stdout } = await run(process.execPath, [file], { cwd: ROOT, timeout: 60_000 });
      if (block.code.includes("console.log")) expect(stdout.trim()).not.toBe("");
    },
  );

  it.each(live.map((b) => [b.line, b] as const))(
    "the shell block at line %i runs against a gateway",
    async (_line, block) => {
      const { stdout, stderr } = await run("bash", ["-e", "-o", "pipefail", "-c", pointAt(block.code)], {
        cwd: ROOT,
        env: { ...process.env, BPG_PORT: String(gw.port), BPG_CONFIG: "", npm_config_loglevel: "silent" },
        timeout: 120_000,
      });
      expect(stdout.trim()).not.toBe("");
      expect(stdout).not.toMatch(/"error"/);
      expect(stderr).not.toMatch(/bpg: /);
    },
    // The GPU block starts npm seven times: seconds each on a loaded 2-core machine.
    180_000,
  );

  it.each(sh.map((b) => [b.line, b] as const))("the shell block at line %i parses", async (_line, block) => {
    await run("bash", ["-n", "-c", block.code]);
  });

  const py = pythonClients();
  // A block without imports goes on from the block before it (the README builds one session up).
  const programs = python.map((b, i) => {
    const before = python[i - 1];
    return {
      line: b.line,
      code: /^(import|from) /m.test(b.code) || before === undefined ? b.code : `${before.code}\n${b.code}`,
    };
  });
  it.skipIf(py.skip !== undefined).each(programs.map((p) => [p.line, p] as const))(
    "the Python block at line %i runs with the official client",
    async (_line, program) => {
      // boto3 signs with whatever credentials it finds; in mock mode the access key id picks the team.
      const aws = {
        AWS_ACCESS_KEY_ID: "demo",
        AWS_SECRET_ACCESS_KEY: "anything",
        AWS_DEFAULT_REGION: "us-east-1",
      };
      const out = await runPython(py.python ?? "", pointAt(program.code), aws);
      expect(out.trim()).not.toBe(""); // every block prints what it got
    },
  );
});
