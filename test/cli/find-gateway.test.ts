// `bpg gpu`, `bpg quota` and `bpg cassettes` find what `bpg serve` would use — BPG_PORT, --config —
// not only the default 8787; starting a running instance says so (issue 12).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { runCliInProcess } from "../helpers/cli.ts";
import { startTestGateway } from "../helpers/gateway.ts";

const cli = runCliInProcess;

let gw: Gateway;
let dir: string;
beforeAll(async () => {
  gw = await startTestGateway();
  dir = mkdtempSync(join(tmpdir(), "bpg-find-"));
});
afterAll(async () => {
  await gw.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the CLI finds a gateway started on another port", () => {
  it("from BPG_PORT", async () => {
    const quota = await cli(["quota"], { BPG_PORT: String(gw.port) });
    expect(quota).toMatchObject({ code: 0, err: [] });
    expect(quota.out[0]).toMatch(/^requests_today/);
  });

  it("from --config", async () => {
    const file = join(dir, "bpg.yaml");
    writeFileSync(file, `server:\n  port: ${gw.port}\n`);
    const listed = await cli(["gpu", "list", "--config", file]);
    expect(listed).toMatchObject({ code: 0, err: [], out: [expect.stringMatching(/^No GPU instances/)] });
  });

  it("and bpg cassettes reads the directory serve would record into (BPG_CASSETTE_DIR, --config)", async () => {
    const cassettes = join(dir, "cassettes");
    const empty = await cli(["cassettes", "list"], { BPG_CASSETTE_DIR: cassettes });
    expect(empty.code).toBe(0);
    expect(empty.out.join("\n")).toContain(cassettes);
    const file = join(dir, "rec.yaml");
    writeFileSync(file, `recording:\n  dir: ${cassettes}\n`);
    const fromFile = await cli(["cassettes", "list", "--config", file]);
    expect(fromFile.out.join("\n")).toContain(cassettes);
  });
});

describe("bpg gpu start on an instance that is already running", () => {
  it("says so plainly and changes nothing, by name or by type and --name", async () => {
    const env = { BPG_PORT: String(gw.port) };
    expect((await cli(["gpu", "start", "ml.t3.medium", "--name", "nb"], env)).code).toBe(0);
    for (const args of [["nb"], ["ml.t3.medium", "--name", "nb"]]) {
      const again = await cli(["gpu", "start", ...args], env);
      expect(again).toMatchObject({ code: 0, err: [] });
      expect(again.out).toEqual([
        expect.stringMatching(/^nb is already running \(Pending, ml\.t3\.medium, .*nothing to start/),
      ]);
    }
    const listed = await cli(["gpu", "list"], env);
    expect(listed.out).toHaveLength(2); // the header and the one instance
  });
});
