// Record and replay in separate processes, and a writer killed mid-write.
import { spawn, spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseEntry, splitCassette } from "../../src/cassettes/format.ts";
import { tempDir } from "../helpers/cassettes.ts";

const CHILD = new URL("../helpers/cassette-child.ts", import.meta.url).pathname;

interface ChildResult {
  answers: Array<{ status: number; body: string }>;
  upstreamCalls: number;
}

function run(mode: string, dir: string): ChildResult {
  const child = spawnSync(process.execPath, [CHILD, mode, dir], { encoding: "utf8", timeout: 20_000 });
  expect(child.stderr).toBe("");
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout) as ChildResult;
}

describe("cassettes across processes", () => {
  it("what one process records another replays byte for byte, without the upstream", () => {
    const dir = tempDir();
    const recorded = run("record", dir);
    expect(recorded.upstreamCalls).toBe(5);
    const replayed = run("replay", dir);
    expect(replayed.upstreamCalls).toBe(0);
    expect(replayed.answers).toEqual(recorded.answers);
    expect(recorded.answers.map((a) => a.status)).toEqual([200, 200, 200, 500, 200]);
    // auto over the same cassette records nothing new.
    expect(run("auto", dir).upstreamCalls).toBe(0);
  });

  it("a writer killed mid-write leaves the previous valid file", async () => {
    const dir = tempDir();
    const file = join(dir, "default.yaml");
    for (const killAfter of [2, 7, 15]) {
      const child = spawn(process.execPath, [CHILD, "loop", dir], { stdio: ["ignore", "pipe", "inherit"] });
      let written = -1;
      await new Promise<void>((resolve) => {
        child.stdout.on("data", (chunk: Buffer) => {
          const lines = chunk.toString().trim().split("\n");
          written = Number(lines.at(-1));
          // Kill while the next write (of a multi-megabyte file) is in flight.
          if (written >= killAfter && child.kill("SIGKILL")) resolve();
        });
      });
      await new Promise((resolve) => child.once("exit", resolve));
      const text = readFileSync(file, "utf8");
      const { chunks } = splitCassette(text, file);
      const entries = chunks.map((chunk, i) => parseEntry(chunk, file, i + 1));
      // Every acknowledged recording is there, and nothing is half-written.
      expect(entries.length).toBeGreaterThanOrEqual(written + 1);
      expect(entries.every((e) => e.response.json !== undefined)).toBe(true);
    }
    // The next writer sweeps the temp files the killed ones left behind.
    expect(run("record", dir).upstreamCalls).toBe(5);
    expect(readdirSync(dir)).toEqual(["default.yaml"]);
  });
});
