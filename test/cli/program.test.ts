import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.ts";
import { VERSION } from "../../src/shared/version.ts";
import { runCliProcess, spawnCli, waitForListening } from "../helpers/cli.ts";
import { inferenceInFlight } from "../helpers/metrics.ts";

/** Run the CLI in-process, capturing what it prints. */
async function run(args: string[], env: Record<string, string> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(["node", "bpg", ...args], env, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

const SERVE_FLAGS = [
  "--mode",
  "--port",
  "--host",
  "--config",
  "--cassette-dir",
  "--cassette",
  "--seed",
  "--log-level",
];

describe("bpg flags", () => {
  it("--help lists every serve flag", async () => {
    const { code, out } = await run(["serve", "--help"]);
    expect(code).toBe(0);
    for (const flag of SERVE_FLAGS) expect(out).toContain(flag);
    expect(out).toMatch(/"mock", "live", "record", "replay", "auto"/);
  });

  it("--help at the top level describes the program, its commands and every serve flag", async () => {
    const { code, out } = await run(["--help"]);
    expect(code).toBe(0);
    expect(out).toContain("serve");
    for (const flag of SERVE_FLAGS) expect(out).toContain(flag);
    expect(out).toContain("--version");
  });

  it("--version prints the package version", async () => {
    const { code, out } = await run(["--version"]);
    expect(code).toBe(0);
    expect(out).toBe(`bedrock-proxy-gateway ${VERSION}`);
  });

  it.each([
    [["--prot", "80"], /unknown option '--prot'/],
    [["--port", "http"], /--port must be an integer from 0 to 65535/],
    [["--port", "70000"], /--port must be an integer from 0 to 65535/],
    [["--mode", "turbo"], /Allowed choices are mock, live, record, replay, auto/],
    [["--seed", "-3"], /--seed must be an integer/],
    [["--log-level", "loud"], /Allowed choices are/],
    [["--port"], /argument missing/],
    [["frobnicate"], /too many arguments|unknown command/],
  ])("rejects %j with a non-zero exit and a one-line reason", async (args, reason) => {
    const { code, err } = await run(args);
    expect(code).not.toBe(0);
    expect(err).toMatch(reason);
  });

  it("suggests the flag a typo was close to", async () => {
    const { err } = await run(["--cassete", "x"]);
    expect(err).toMatch(/Did you mean --cassette/);
  });

  it("stops on a bad config file, naming every problem", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bpg-cli-"));
    const file = join(dir, "bad.yaml");
    writeFileSync(file, "server:\n  prot: 1\nmode: nope\n");
    const { code, err } = await run(["--config", file]);
    expect(code).toBe(2);
    expect(err).toContain("server.prot: unknown key");
    expect(err).toMatch(/mode: must be one of/);
  });

  it("stops on a bad environment value", async () => {
    const { code, err } = await run(["--port", "0"], { BPG_MODE: "fast" });
    expect(code).toBe(2);
    expect(err).toMatch(/mode \(from BPG_MODE\): must be one of/);
  });
});

describe("bpg as a process", () => {
  it("exits non-zero with a one-line reason on a bad flag", async () => {
    const result = await runCliProcess(["--port", "nope"]);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(/--port must be an integer/);
  });

  it("serves, prints one start-up line with URL, mode and storage, and exits 0 on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bpg-serve-"));
    const child = spawnCli(["--port", "0", "--log-level", "silent"], {}, dir);
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    const url = await waitForListening(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = (await (await fetch(`${url}/healthz`)).json()) as Record<string, unknown>;
    expect(health).toEqual({ status: "ok", mode: "mock", version: VERSION });
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    const startLine = stdout.split("\n").find((l) => l.includes("listening on"));
    expect(startLine).toMatch(/mode mock, state: in memory, config: built-in defaults/);
  });

  it("drains an in-flight request on SIGTERM: the slow answer arrives, then the process exits 0", async () => {
    const child = spawnCli(["--port", "0", "--log-level", "silent"]);
    const url = await waitForListening(child);
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const slow = fetch(`${url}/prod/invoke`, {
      method: "POST",
      headers: { "x-team-id": "demo", "x-api-token": "demo-token", "x-mock-fault": "slow:700" },
      body: JSON.stringify({
        model: "us.anthropic.claude-3-haiku-20240307-v1:0",
        max_tokens: 10,
        messages: [{ role: "user", content: "hi" }],
      }),
    });
    // The server reports the request inside its handler (the simulator's latency) before the signal.
    await expect.poll(() => inferenceInFlight(url), { timeout: 10_000 }).toBe(1);
    child.kill("SIGTERM");
    const res = await slow;
    expect(res.status).toBe(200);
    expect(Object.keys((await res.json()) as object)).toEqual(["content", "usage", "metadata"]);
    expect(await exited).toBe(0);
  });

  it("reports a port already in use in one line", async () => {
    const first = spawnCli(["--port", "0", "--log-level", "silent"]);
    const url = await waitForListening(first);
    const port = new URL(url).port;
    try {
      const second = await runCliProcess(["--port", port, "--log-level", "silent"]);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/already in use/);
    } finally {
      first.kill("SIGTERM");
    }
  });
});
