// The cassette directory is checked at startup in record/auto mode, and cassette I/O never holds a
// request or a shutdown (issue 12).
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { checkWritableDir, ensureDir } from "../../src/shared/dirs.ts";
import { withinDeadline } from "../../src/cassettes/deadline.ts";
import { GatewayError } from "../../src/shared/errors.ts";
import { runCliProcess } from "../helpers/cli.ts";
import { captureLog, startTestGateway } from "../helpers/gateway.ts";
import { shutDown } from "../../src/server/gateway.ts";
import { createServer } from "node:http";
import { once } from "node:events";

const temps: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), "bpg-cassette-dir-"));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A directory this process cannot write in: permission bits bind a normal user; root is refused by sysfs. */
function readOnlyDir(): string {
  if (process.getuid?.() === 0) return "/sys";
  const dir = temp();
  chmodSync(dir, 0o555);
  return dir;
}

function invoke(url: string, cassette: string): Promise<Response> {
  return fetch(`${url}/prod/invoke`, {
    method: "POST",
    headers: { "x-team-id": "demo", "x-api-token": "demo-token", "x-cassette": cassette },
    body: JSON.stringify({
      model: "us.anthropic.claude-3-haiku-20240307-v1:0",
      max_tokens: 20,
      messages: [{ role: "user", content: "What is 2+2?" }],
    }),
  });
}

describe("startup check of the cassette directory", () => {
  it.each([
    ["record", "/proc/cassettes", "cannot be created: no such file or directory (ENOENT)"],
    ["auto", "a file in the way", "cannot be created: not a directory (ENOTDIR)"],
    ["record", "read-only", "is not writable: permission denied (EACCES)"],
  ])("%s with %s stops startup with one line naming the path and the reason", async (mode, what, reason) => {
    let dir = what;
    if (what === "a file in the way") {
      const file = join(temp(), "file");
      writeFileSync(file, "");
      dir = join(file, "cassettes");
    } else if (what === "read-only") {
      dir = readOnlyDir();
    }
    const run = await runCliProcess(["--mode", mode, "--cassette-dir", dir, "--port", "0"], {
      BPG_UPSTREAM: "mock",
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toEqual([
      `bpg: could not start: cassette directory ${dir} ${reason}`,
    ]);
  });

  it("creates a missing directory, and leaves nothing behind in it", async () => {
    const dir = join(temp(), "a", "b");
    await checkWritableDir(dir, "cassette directory");
    expect(execFileSync("ls", ["-A", dir], { encoding: "utf8" })).toBe("");
  });

  it("a state file in mock mode is checked the same way", async () => {
    const run = await runCliProcess(["--port", "0"], { BPG_STATE: "/proc/bpg-state/state.json" });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      "bpg: could not start: state directory /proc/bpg-state cannot be created: no such file or directory (ENOENT)",
    );
  });

  it("mode mock and replay do not check it", async () => {
    const gw = await startTestGateway({ mode: "replay", recording: { dir: "/proc/cassettes" } });
    await gw.close();
  });
});

describe("cassette I/O failing mid-run", () => {
  it("a cassette under a path that cannot be made is answered at once (never waited on), and shutdown completes", async () => {
    const dir = temp();
    const gw = await startTestGateway({
      mode: "record",
      upstream: { kind: "mock" },
      recording: { dir },
      server: { log_level: "silent", shutdown_timeout_ms: 2_000 },
    });
    // After the startup check: a file now stands where the cassette's folder would be made. (A symlink
    // out of the directory, e.g. into /proc, is refused before any I/O: cassette-paths tests.)
    writeFileSync(join(dir, "blocked"), "");
    const res = await invoke(gw.url, "blocked/cassettes/x");
    const body = (await res.json()) as { error: string };
    // The path check (realpath, issue 19) refuses it before any write is tried.
    expect(res.status).toBe(400);
    expect(body.error).toMatch(/^Cassette name "blocked\/cassettes\/x" leads outside the cassette directory/);
    await gw.close();
  });

  it("a FIFO at the cassette's name is refused, not waited on", async () => {
    const dir = temp();
    execFileSync("mkfifo", [join(dir, "pipe.yaml")]);
    const gw = await startTestGateway({ mode: "auto", upstream: { kind: "mock" }, recording: { dir } });
    const res = await invoke(gw.url, "pipe");
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({
      error: expect.stringMatching(/^Cannot read cassette .*not a regular file/),
    });
    await gw.close();
  });

  it("I/O that never finishes becomes a 500 cassette_io_timeout", async () => {
    const never = new Promise<never>(() => undefined);
    const failure = await withinDeadline(never, 20, "Writing cassette c.yaml").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(GatewayError);
    expect(failure).toMatchObject({ status: 500, code: "cassette_io_timeout" });
  });

  it("a flush that never finishes does not hold the shutdown past its budget", async () => {
    const { logger, log } = captureLog("warn");
    const server = createServer().listen(0, "127.0.0.1");
    await once(server, "listening");
    const stuck = {
      invoke: () => new Promise<never>(() => undefined),
      close: () => new Promise<never>(() => undefined),
    };
    await shutDown(server, stuck, 50, logger);
    expect(log.text()).toContain("did not finish in time");
  });

  it("ensureDir makes nested levels and refuses a file in the way", async () => {
    const root = temp();
    await ensureDir(join(root, "x", "y", "z"));
    writeFileSync(join(root, "f"), "");
    await expect(ensureDir(join(root, "f", "g"))).rejects.toMatchObject({ code: "ENOTDIR" });
  });
});
