// One gateway per state file (issue 19): a second `bpg serve` on a state file in use exits non-zero at
// start-up naming the holder; it starts once the first has stopped, and after a kill -9 of the first
// (the lock is stale: its pid is gone).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireFileLock, FileLockedError } from "../../src/shared/file-lock.ts";
import { runCliProcess, spawnCli, waitForListening } from "../helpers/cli.ts";

let dir: string;
const stops: (() => void)[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "bpg-lock-"));
});
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
  rmSync(dir, { recursive: true, force: true });
});

function configFile(): string {
  const file = join(dir, "config.yaml");
  const state = JSON.stringify(join(dir, "state.json"));
  writeFileSync(file, `mode: mock\nserver:\n  log_level: silent\nmock:\n  state: ${state}\n`);
  return file;
}

async function startFirst(file: string) {
  const child = spawnCli(["serve", "--port", "0", "--config", file], {}, dir);
  stops.push(() => child.kill("SIGKILL"));
  const url = await waitForListening(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return { child, url, exited };
}

describe("the state file lock", () => {
  it("refuses a second gateway naming the holder, and lets one start after a graceful stop", async () => {
    const file = configFile();
    const first = await startFirst(file);
    const second = await runCliProcess(["serve", "--port", "0", "--config", file], {}, dir);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(`in use by process ${first.child.pid}`);
    expect(second.stderr).toContain("gateway state file");

    first.child.kill("SIGTERM");
    await first.exited;
    const third = await startFirst(file);
    expect((await fetch(`${third.url}/healthz`)).status).toBe(200);
  });

  it("treats the lock of a process killed with SIGKILL as stale", async () => {
    const file = configFile();
    const first = await startFirst(file);
    first.child.kill("SIGKILL");
    await first.exited;
    const second = await startFirst(file);
    expect((await fetch(`${second.url}/healthz`)).status).toBe(200);
  });

  it("refuses a second owner inside one process, and frees the file on release", () => {
    const target = join(dir, "x.json");
    const lock = acquireFileLock(target, "test");
    expect(() => acquireFileLock(target, "test")).toThrow(FileLockedError);
    lock.release();
    acquireFileLock(target, "test").release();
  });

  it("takes over a lock file whose pid no longer runs, or that a crash cut short", () => {
    const target = join(dir, "y.json");
    // A pid far above any default pid_max is never running.
    writeFileSync(`${target}.lock`, JSON.stringify({ pid: 99_999_999, start: "1", host: "x", purpose: "p" }));
    expect(() => acquireFileLock(target, "test")).toThrow(FileLockedError); // another host: respected
    writeFileSync(`${target}.lock`, JSON.stringify({ pid: 99_999_999, start: "1" }));
    acquireFileLock(target, "test").release();
    writeFileSync(`${target}.lock`, '{"pid": 12');
    acquireFileLock(target, "test").release();
  });
});
