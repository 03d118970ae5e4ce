import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withCassettes } from "../../src/cassettes/recorder.ts";
import { runCli } from "../../src/cli/program.ts";
import { ask, cassetteOptions, ctx, tempDir } from "../helpers/cassettes.ts";
import { fakeUpstream } from "../helpers/fake-upstream.ts";

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ["node", "bpg", ...args],
    {},
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  return { code, out: out.join("\n"), err: err.join("\n") };
}

async function recorded(): Promise<string> {
  const dir = tempDir();
  const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
  await recorder.invoke(ask("What is 2+2?"), ctx());
  await recorder.invoke(
    ask("again", { model: "us.amazon.nova-pro-v1:0" }),
    ctx("t", "k", { cassette: "suite/nova" }),
  );
  await recorder.invoke(ask("boom"), ctx());
  await recorder.invoke(ask("x", { model: "not-a-model" }), ctx());
  await recorder.close();
  return dir;
}

describe("bpg cassettes", () => {
  it("list shows every cassette with counts", async () => {
    const dir = await recorded();
    const { code, out } = await cli("cassettes", "list", "--cassette-dir", dir);
    expect(code).toBe(0);
    expect(out).toMatch(/^CASSETTE\s+ENTRIES\s+ERRORS\s+MODELS/);
    expect(out).toMatch(/^default\s+3\s+1\s+2\s/m);
    expect(out).toMatch(/^suite\/nova\s+1\s+0\s+1\s/m);
  });

  it("show lists the entries of one cassette", async () => {
    const dir = await recorded();
    const { code, out } = await cli("cassettes", "--cassette-dir", dir, "show", "default");
    expect(code).toBe(0);
    expect(out).toContain("format version 1");
    expect(out).toMatch(/^2\s+500\s+us\.anthropic\.claude-3-haiku-20240307-v1:0\s.*user: boom/m);
  });

  it("show refuses a path-escaping name", async () => {
    const { code, err } = await cli("cassettes", "--cassette-dir", tempDir(), "show", "../etc/passwd");
    expect(code).toBe(1);
    expect(err).toContain("Invalid cassette name");
  });

  it("cost prices the recorded usage per model", async () => {
    const dir = await recorded();
    const { code, out } = await cli("cassettes", "--cassette-dir", dir, "cost");
    expect(code).toBe(0);
    // Claude 3 Haiku: 14 in × $0.25/M + 5 out × $1.25/M; Nova Pro: 14 × $0.8/M + 5 × $3.2/M.
    expect(out).toMatch(/^us\.anthropic\.claude-3-haiku-20240307-v1:0\s+1\s+14\s+5\s+\$0\.000010$/m);
    expect(out).toMatch(/^us\.amazon\.nova-pro-v1:0\s+1\s+14\s+5\s+\$0\.000027$/m);
    expect(out).toMatch(/^not-a-model\s+1\s+14\s+5\s+unpriced$/m);
    expect(out).toMatch(/^TOTAL\s+3\s+42\s+15\s+\$0\.000037$/m);
  });

  it("verify passes clean cassettes, fails broken ones, and --fix re-hashes hand edits", async () => {
    const dir = await recorded();
    expect((await cli("cassettes", "--cassette-dir", dir, "verify")).code).toBe(0);

    const file = join(dir, "default.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("content: What is 2+2?", "content: What is 3+3?"));
    const stale = await cli("cassettes", "--cassette-dir", dir, "verify");
    expect(stale.code).toBe(1);
    expect(stale.out).toContain("entry 1: its key does not match its request");
    expect((await cli("cassettes", "--cassette-dir", dir, "verify", "--fix")).out).toContain("fixed default");
    expect((await cli("cassettes", "--cassette-dir", dir, "verify")).code).toBe(0);
    const player = withCassettes(fakeUpstream(), cassetteOptions(dir, "replay"));
    expect((await player.invoke(ask("What is 3+3?"), ctx())).status).toBe(200);

    writeFileSync(join(dir, "suite/nova.yaml"), "format: bedrock-proxy-gateway/cassette\nversion: 2\n");
    const broken = await cli("cassettes", "--cassette-dir", dir, "verify");
    expect(broken.code).toBe(1);
    expect(broken.out).toContain("FAIL  suite/nova");
    expect(broken.out).toContain("format version 2");
  });

  it("judges a cassette by the ignore_fields it was recorded with, and --fix keeps them", async () => {
    const dir = tempDir();
    const recording = { ignore_fields: ["temperature"] };
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record", recording));
    await recorder.invoke(ask("What is 2+2?", { temperature: 0.3 }), ctx());
    await recorder.close();
    // No config at hand (today's ignore_fields differ): the cassette is still sound.
    const verified = await cli("cassettes", "--cassette-dir", dir, "verify");
    expect(verified.out).toContain("ok    default (1 entry)");
    expect(verified.code).toBe(0);

    const file = join(dir, "default.yaml");
    writeFileSync(file, readFileSync(file, "utf8").replace("content: What is 2+2?", "content: What is 3+3?"));
    expect((await cli("cassettes", "--cassette-dir", dir, "verify", "--fix")).out).toContain("fixed default");
    expect(readFileSync(file, "utf8")).toMatch(
      /ignore_fields:[^\n]*temperature|ignore_fields:\n(?:\s+- .*\n)*\s+- temperature/,
    );
    // Still matched under the rules it was recorded with (any temperature).
    const player = withCassettes(fakeUpstream(), cassetteOptions(dir, "replay", recording));
    expect((await player.invoke(ask("What is 3+3?", { temperature: 1 }), ctx())).status).toBe(200);
  });

  it("says plainly when there is nothing to show or list, naming the folder", async () => {
    const dir = tempDir();
    const empty = await cli("cassettes", "--cassette-dir", dir, "list");
    expect(empty).toMatchObject({ code: 0 });
    expect(empty.out).toContain(`No cassettes yet in ${dir}`);
    const missing = await cli("cassettes", "--cassette-dir", dir, "show", "nosuch");
    expect(missing.code).toBe(1);
    expect(missing.out).toBe("");
    expect(missing.err).toBe(`bpg: no cassette "nosuch" (no file ${join(dir, "nosuch.yaml")})`);
  });
});
