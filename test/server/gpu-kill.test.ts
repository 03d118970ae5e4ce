// A gateway process killed with SIGKILL leaves a readable state file, and the next process continues
// billing from it. Uses the real CLI in child processes with a manual simulator clock.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const ROOT = new URL("../..", import.meta.url).pathname;
let dir: string;
let children: ChildProcess[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "bpg-kill-"));
});
afterEach(() => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children = [];
  rmSync(dir, { recursive: true, force: true });
});

/** Start `bpg serve` and resolve with its URL (from the start-up line). */
function serve(configFile: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [join(ROOT, "src/cli.ts"), "serve", "--port", "0", "--config", configFile],
    {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1] !== undefined) resolve({ child, url: match[1] });
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.once("exit", (code) => reject(new Error(`bpg serve exited (${code}): ${err}`)));
  });
}

async function call(
  url: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await res.json()) as Record<string, unknown>;
}

describe("kill -9", () => {
  it("leaves a consistent state file that the next process bills onward", async () => {
    const statePath = join(dir, "state.json");
    const configFile = join(dir, "config.yaml");
    writeFileSync(
      configFile,
      `mode: mock\nserver:\n  log_level: silent\nmock:\n  state: ${JSON.stringify(statePath)}\n  clock: manual\n`,
    );

    const first = await serve(configFile);
    await call(first.url, "POST", "/gpu/instances", { instance_type: "ml.g5.xlarge", name: "nb" });
    const advanced = (await call(first.url, "POST", "/admin/clock/advance", { seconds: 3600 })) as {
      now_ms: number;
    };
    // Wait (bounded) until the coalesced write of the advanced clock has landed, then kill without warning.
    for (let i = 0; i < 400; i++) {
      try {
        const doc = JSON.parse(readFileSync(statePath, "utf8")) as { clock: { sim_ms: number } };
        if (doc.clock.sim_ms === advanced.now_ms) break;
      } catch {
        // not written yet
      }
      await sleep(25);
    }
    first.child.kill("SIGKILL");
    await new Promise((resolve) => first.child.once("exit", resolve));

    const second = await serve(configFile);
    expect(await call(second.url, "GET", "/gpu/instances/nb")).toMatchObject({
      status: "InService",
      cost_usd: 1.41,
    });
    await call(second.url, "POST", "/admin/clock/advance", { seconds: 1800 });
    const teams = (await call(second.url, "GET", "/admin/teams")) as {
      data: { remaining_quota: { gpu_cost: number } }[];
    };
    expect(teams.data[0]?.remaining_quota.gpu_cost).toBe((1.41 * 5_400_000) / 3_600_000);
    second.child.kill("SIGTERM");
    const code = await new Promise((resolve) => second.child.once("exit", resolve));
    expect(code).toBe(0);
    // The graceful stop wrote the final state.
    const doc = JSON.parse(readFileSync(statePath, "utf8")) as {
      gpu: { instances: { billed_ms: number }[] };
    };
    expect(doc.gpu.instances[0]?.billed_ms).toBe(5_400_000);
  });
});
