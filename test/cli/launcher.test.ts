// `npm run bpg -- … &` then `kill %1` in a script: npm signals its shell, the shell exits without passing
// the signal on, and the gateway is re-parented. It must stop by itself then (src/cli/launcher.ts).
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { stopWhenOrphaned } from "../../src/cli/launcher.ts";

const CLI = new URL("../../src/cli.ts", import.meta.url).pathname;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("stopWhenOrphaned", () => {
  it("fires once when the parent changes, and only for a process an npm script started", async () => {
    let parent = 100;
    let calls = 0;
    const cancel = stopWhenOrphaned(
      { npm_lifecycle_event: "bpg" },
      () => calls++,
      5,
      () => parent,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(0);
    parent = 1;
    await expect.poll(() => calls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toBe(1);
    cancel();
    let outside = 0;
    stopWhenOrphaned(
      {},
      () => outside++,
      5,
      () => (parent += 1),
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(outside).toBe(0);
  });

  it.runIf(process.platform !== "win32")(
    "a gateway whose npm shell is killed stops by itself, draining like on SIGTERM",
    async () => {
      const shell = spawn(
        "sh",
        [
          "-c",
          `"${process.execPath}" "${CLI}" serve --port 0 --mode mock --log-level silent & echo "pid $!"; wait`,
        ],
        { env: { ...process.env, npm_lifecycle_event: "bpg" }, stdio: ["ignore", "pipe", "inherit"] },
      );
      let out = "";
      shell.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
      await expect.poll(() => out, { timeout: 15_000 }).toMatch(/listening on http/);
      const pid = Number(/pid (\d+)/.exec(out)?.[1]);
      expect(alive(pid)).toBe(true);
      try {
        shell.kill("SIGKILL");
        await expect.poll(() => alive(pid), { timeout: 10_000, interval: 100 }).toBe(false);
      } finally {
        if (alive(pid)) process.kill(pid, "SIGKILL");
      }
    },
    30_000,
  );
});
