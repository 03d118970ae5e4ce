// One owner per cassette, and what a hostile or careless setup cannot do to the cassette directory
// (issue 19): two recorders on one cassette (the second is refused, nothing is lost), a symlink inside
// the directory (refused), temp files of a killed writer (swept at start-up), a short credential the
// upstream echoes (redacted). Real gateways over a socket, the simulator as their upstream.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Gateway } from "../../src/server/gateway.ts";
import { startTestGateway } from "../helpers/gateway.ts";

const TEAM = { team_id: "team_ownership", api_token: "s3cr3t", budget_limit: 50 };
const DEAD_PID = 99_999_999; // above any default pid_max: never running

let dir: string;
let gateways: Gateway[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "bpg-own-"));
});
afterEach(async () => {
  await Promise.all(gateways.map((g) => g.close()));
  gateways = [];
  rmSync(dir, { recursive: true, force: true });
});

async function recorder(cassettes = join(dir, "cassettes")): Promise<Gateway> {
  const gw = await startTestGateway({
    mode: "record",
    upstream: { kind: "mock" } as never,
    recording: { dir: cassettes } as never,
    mock: {
      teams: [TEAM],
      scripts: [{ match: { last_user: "^echo$" }, reply: { text: "Your token is s3cr3t, keep it safe." } }],
    } as never,
  });
  gateways.push(gw);
  return gw;
}

async function invoke(gw: Gateway, content: string, cassette = "shared") {
  const res = await fetch(`${gw.url}/prod/invoke`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-cassette": cassette },
    body: JSON.stringify({
      team_id: TEAM.team_id,
      api_token: TEAM.api_token,
      model: "us.anthropic.claude-3-haiku-20240307-v1:0",
      messages: [{ role: "user", content }],
      max_tokens: 50,
    }),
  });
  return { status: res.status, text: await res.text() };
}

/** Entries in a cassette file: a header document, then one `---`-separated document per exchange. */
const entries = (file: string): number => (readFileSync(file, "utf8").match(/^---$/gm) ?? []).length;

describe("two recorders on one cassette", () => {
  it("refuses the second, naming the holder, and loses nothing", async () => {
    const first = await recorder();
    const second = await recorder();
    expect((await invoke(first, "one")).status).toBe(200);
    const refused = await invoke(second, "two");
    expect(refused.status).toBe(409);
    expect(refused.text).toContain("is being recorded by another gateway");
    expect(refused.text).toContain(`process ${process.pid}`);
    expect(refused.text).not.toContain(dir); // no absolute server paths in messages

    await first.close();
    expect((await invoke(second, "two")).status).toBe(200);
    await second.close();
    expect(entries(join(dir, "cassettes", "shared.yaml"))).toBe(2);
    expect(existsSync(join(dir, "cassettes", "shared.yaml.lock"))).toBe(false);
  });
});

describe("the cassette directory", () => {
  it("refuses an X-Cassette that leads outside through a symlink inside it", async () => {
    const outside = join(dir, "outside");
    mkdirSync(outside);
    mkdirSync(join(dir, "cassettes"));
    symlinkSync(outside, join(dir, "cassettes", "linkdir"));
    symlinkSync(join(outside, "gone.yaml"), join(dir, "cassettes", "dangling.yaml"));
    const gw = await recorder();
    for (const name of ["linkdir/escaped", "dangling"]) {
      const res = await invoke(gw, "hello", name);
      expect(res.status, name).toBe(400);
      expect(res.text).toContain("leads outside the cassette directory");
    }
    expect((await invoke(gw, "hello", "inside/ok")).status).toBe(200);
    await gw.close();
    expect(existsSync(join(outside, "escaped.yaml"))).toBe(false);
    expect(existsSync(join(dir, "cassettes", "inside", "ok.yaml"))).toBe(true);
  });

  it("sweeps temp files of writers that no longer run at start-up, and keeps a live one's", async () => {
    const cassettes = join(dir, "cassettes");
    mkdirSync(join(cassettes, "deep"), { recursive: true });
    const stale = join(cassettes, "deep", `.x.yaml.${DEAD_PID}.0a1b2c3d.tmp`);
    const live = join(cassettes, `.y.yaml.${process.ppid}.0a1b2c3d.tmp`);
    writeFileSync(stale, "half a cassette");
    writeFileSync(live, "being written");
    await recorder(cassettes);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it("sweeps the state file's stale temps when the simulator starts", async () => {
    const state = join(dir, "state.json");
    const stale = `${state}.${DEAD_PID}.0a1b2c3d.tmp`;
    writeFileSync(stale, "{");
    const gw = await startTestGateway({ mode: "mock", mock: { state } as never });
    gateways.push(gw);
    expect(existsSync(stale)).toBe(false);
  });

  it("redacts a short credential the upstream echoes", async () => {
    const gw = await recorder();
    const res = await invoke(gw, "echo");
    expect(res.text).toContain("s3cr3t"); // the caller gets its answer as it was
    await gw.close();
    const text = readFileSync(join(dir, "cassettes", "shared.yaml"), "utf8");
    expect(text).not.toContain("s3cr3t");
    expect(text).toContain("Your token is [REDACTED], keep it safe.");
  });
});
