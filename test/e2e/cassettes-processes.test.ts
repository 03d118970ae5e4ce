// Runs once the simulator (feat/mock) and the /v1 surface (feat/gateway) are merged: rename to
// cassettes-processes.test.ts then. Verified green on a trial merge of the three branches.
// Record on the simulator in one gateway process, replay in another: every surface answers the same.
import { spawn, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/cassettes.ts";

const CLI = new URL("../../src/cli.ts", import.meta.url).pathname;
const TEAM = "team_e2e_secret_77";
const TOKEN = "tok-e2e-SECRET-123456";

/** `bpg --mode <mode>` with the simulator under it, on a free port; resolves with its URL. */
async function startCli(mode: string, dir: string): Promise<{ url: string; child: ChildProcess }> {
  const config = join(dir, "config.yaml");
  writeFileSync(config, `mock:\n  teams:\n    - {team_id: ${TEAM}, api_token: ${TOKEN}, budget_limit: 50}\n`);
  const child = spawn(
    process.execPath,
    [
      CLI,
      "--mode",
      mode,
      "--port",
      "0",
      "--config",
      config,
      "--cassette-dir",
      join(dir, "cassettes"),
      "--log-level",
      "silent",
    ],
    {
      env: { PATH: process.env.PATH, BPG_UPSTREAM: "mock" },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once("exit", (code) => reject(new Error(`gateway exited ${code}: ${out}`)));
  });
  return { url, child };
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

const auth = { "content-type": "application/json", authorization: `Bearer ${TEAM}:${TOKEN}` };
const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather",
    parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
  },
};
const MODEL = "us.anthropic.claude-3-haiku-20240307-v1:0";

const calls: Array<{ path: string; headers: Record<string, string>; body: unknown }> = [
  {
    path: "/prod/invoke",
    headers: { "content-type": "application/json" },
    body: {
      team_id: TEAM,
      api_token: TOKEN,
      model: MODEL,
      max_tokens: 100,
      messages: [{ role: "user", content: "What is 2+2?" }],
    },
  },
  {
    path: "/v1/chat/completions",
    headers: auth,
    body: {
      model: "gpt-4o-mini",
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Say hello" },
      ],
    },
  },
  {
    path: "/v1/chat/completions",
    headers: auth,
    body: {
      model: "gpt-4o-mini",
      stream: true,
      stream_options: { include_usage: true },
      messages: [{ role: "user", content: "Stream a poem" }],
    },
  },
  {
    path: "/v1/chat/completions",
    headers: { ...auth, "x-cassette": "tools/weather" },
    body: {
      model: "gpt-4o",
      tools: [weatherTool],
      tool_choice: "required",
      messages: [{ role: "user", content: "Weather in Paris?" }],
    },
  },
  {
    path: "/prod/invoke",
    headers: { "content-type": "application/json", "x-cassette": "tools/weather" },
    body: {
      team_id: TEAM,
      api_token: TOKEN,
      model: "nope",
      max_tokens: 10,
      messages: [{ role: "user", content: "bad model" }],
    },
  },
];

/** Gateway-made ids and timestamps differ per run; everything from upstream must not. */
function normalise(text: string): string {
  return text.replace(/chatcmpl-[A-Za-z0-9_-]+/g, "chatcmpl-X").replace(/"created":\d+/g, '"created":0');
}

async function runAll(url: string): Promise<Array<{ status: number; body: string }>> {
  const out = [];
  for (const call of calls) {
    const response = await fetch(url + call.path, {
      method: "POST",
      headers: call.headers,
      body: JSON.stringify(call.body),
    });
    out.push({ status: response.status, body: normalise(await response.text()) });
  }
  return out;
}

describe("cassettes end to end (separate gateway processes)", () => {
  it("records on the simulator and replays every surface identically, with no credentials on disk", async () => {
    const dir = tempDir();
    const recorder = await startCli("record", dir);
    const recorded = await runAll(recorder.url);
    await stop(recorder.child);
    expect(recorded.map((r) => r.status)).toEqual([200, 200, 200, 200, 500]);

    const player = await startCli("replay", dir);
    const replayed = await runAll(player.url);
    const miss = await fetch(`${player.url}/v1/chat/completions`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Say hellO" }] }),
    });
    await stop(player.child);
    expect(replayed).toEqual(recorded);
    expect(miss.status).toBe(404);
    const error = ((await miss.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("cassette_miss");
    expect(error.message).toContain("Say hellO");

    const files = readdirSync(join(dir, "cassettes"), { recursive: true })
      .map(String)
      .filter((f) => f.endsWith(".yaml"));
    expect(files.sort()).toEqual(["default.yaml", join("tools", "weather.yaml")]);
    for (const file of files) {
      const text = readFileSync(join(dir, "cassettes", file), "utf8");
      expect(text).not.toContain(TEAM);
      expect(text).not.toContain(TOKEN);
    }
  });
});
