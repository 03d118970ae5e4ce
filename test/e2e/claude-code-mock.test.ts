// Claude Code itself against the gateway in mock mode (issue 20 "Done when"): `claude -p` with
// ANTHROPIC_BASE_URL pointing at the gateway, a temporary HOME and working directory, no tool allowed to
// run. It must exit 0 and print the answer, and `--output-format json` must give a non-error result. The
// gateway's access log shows what Claude Code sent (HEAD /, /v1/messages?beta=true, its model name).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { claudeCode, runClaudeCode } from "../helpers/claude-code.ts";
import { captureLog, startTestGateway, type CapturedLog } from "../helpers/gateway.ts";

const cc = claudeCode();

describe.skipIf(cc.skip !== undefined)("Claude Code through the Anthropic face", () => {
  let gw: Gateway;
  let log: CapturedLog;
  let home: string;
  let work: string;

  beforeAll(async () => {
    const captured = captureLog("info");
    log = captured.log;
    gw = await startTestGateway({ mode: "mock", logger: captured.logger } as never);
    home = mkdtempSync(join(tmpdir(), "bpg-cc-home-"));
    work = mkdtempSync(join(tmpdir(), "bpg-cc-work-"));
  });
  afterAll(async () => {
    await gw.close();
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  function claudeEnv() {
    return {
      HOME: home,
      ANTHROPIC_BASE_URL: gw.url,
      ANTHROPIC_API_KEY: "anything",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      DISABLE_AUTOUPDATER: "1",
    };
  }

  function claude(args: string[]) {
    return runClaudeCode(cc.cli as string, ["-p", "Reply with only the word pong", ...args], {
      cwd: work,
      env: claudeEnv(),
    });
  }

  /** The access-log lines of the face's requests since `from`. */
  function messageLines(from: number): { status: number; model?: string; stream?: boolean }[] {
    return log.lines
      .slice(from)
      .map((l) => JSON.parse(l) as { path?: string; status: number; model?: string; stream?: boolean })
      .filter((l) => l.path === "/v1/messages");
  }

  test("claude -p exits 0 and prints the model's text; every request it sent was answered 200", async () => {
    const from = log.lines.length;
    // Its tools are declared to the model (and the simulator may call them) but none may run:
    // dontAsk denies whatever is not allowed in advance, and nothing is.
    const run = await claude(["--permission-mode", "dontAsk"]);
    expect(run.stderr).not.toMatch(/API Error/);
    expect(run.code).toBe(0);
    expect(run.stdout.trim().length).toBeGreaterThan(0);
    const lines = messageLines(from);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.map((l) => l.status)).toEqual(lines.map(() => 200));
    // A model name newer than the proxy serves, streamed: the newest Opus served it.
    expect(lines[0]).toMatchObject({ model: "us.anthropic.claude-opus-4-20250514-v1:0", stream: true });
  }, 180_000);

  test("a prompt that needs a tool: Claude Code reads the file the prompt names and answers from it", async () => {
    writeFileSync(join(work, "notes.txt"), "The secret word is avocado.\n");
    const run = await runClaudeCode(
      cc.cli as string,
      ["-p", "Read the file notes.txt and tell me the secret word.", "--allowedTools", "Read"],
      { cwd: work, env: claudeEnv() },
    );
    expect(run.stderr).not.toMatch(/API Error/);
    expect(run.code).toBe(0);
    // The simulator called Read (by name, not the shell whose description shares more words) with the
    // absolute path, and answered from what Claude Code read.
    expect(run.stdout).toContain("avocado");
  }, 180_000);

  test("--output-format json gives a result that is not an error", async () => {
    const run = await claude(["--tools", "", "--output-format", "json"]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { type: string; is_error: boolean; result: string };
    expect(result.type).toBe("result");
    expect(result.is_error).toBe(false);
    expect(result.result.length).toBeGreaterThan(0);
  }, 180_000);
});
