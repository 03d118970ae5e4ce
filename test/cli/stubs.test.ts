// `bpg stubs …`, `bpg requests` and `bpg cassettes unused` against running gateways.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../src/cli/program.ts";
import type { Gateway } from "../../src/server/gateway.ts";
import { tempDir } from "../helpers/cassettes.ts";
import { startTestGateway } from "../helpers/gateway.ts";

async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    ["node", "bpg", ...args],
    {},
    { out: (l) => out.push(l), err: (l) => err.push(l) },
  );
  return { code, out, err };
}

describe("bpg stubs and bpg requests", () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startTestGateway({ mode: "mock" });
  });
  afterAll(() => gw.close());

  it("adds (inline and @file), lists, answers, journals, removes and clears", async () => {
    const added = await cli([
      "stubs",
      "add",
      '{"id":"hi","match":{"last_user":"hello"},"reply":{"text":"stubbed hi"}}',
      "--url",
      gw.url,
    ]);
    expect(added).toMatchObject({ code: 0, out: ['Added stub hi: text "stubbed hi"'] });
    const file = join(tempDir(), "stub.json");
    writeFileSync(
      file,
      JSON.stringify({
        sequence: [{ tool_call: { name: "t", input: {} } }, { text: "done" }],
        cassette: "c1",
      }),
    );
    expect((await cli(["stubs", "add", `@${file}`, "--url", gw.url])).out[0]).toMatch(
      /^Added stub stub-1: tool t → text "done"$/,
    );

    const listed = await cli(["stubs", "list", "--url", gw.url]);
    expect(listed.out).toEqual([
      "ID      MATCH            REPLIES               CALLS  LEFT",
      'stub-1  cassette=c1      tool t → text "done"      0  2',
      'hi      last_user=hello  text "stubbed hi"         0  ∞',
    ]);

    const sdk = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "x", maxRetries: 0 });
    const reply = await sdk.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hello" }],
    });
    expect(reply.choices[0]?.message.content).toBe("stubbed hi");
    const journal = await cli(["requests", "--url", gw.url]);
    expect(journal.out[0]).toMatch(/^AT\s+FACE\s+MODEL\s+STATUS\s+STUB/);
    expect(journal.out[1]).toMatch(/chat\s+us\.anthropic\.claude-haiku-4-5\S*\s+200\s+hi\s+-/);

    expect((await cli(["stubs", "remove", "hi", "--url", gw.url])).out).toEqual(["Removed stub hi."]);
    const missing = await cli(["stubs", "remove", "hi", "--url", gw.url]);
    expect(missing.code).toBe(1);
    expect(missing.err[0]).toContain('No stub has the id "hi"');
    expect((await cli(["stubs", "clear", "--url", gw.url])).out).toEqual(["Removed 1 stub."]);
    const bad = await cli(["stubs", "add", "{not json", "--url", gw.url]);
    expect(bad.code).toBe(1);
  });
});

describe("bpg cassettes unused", () => {
  it("prints the unused recordings of a replaying gateway", async () => {
    const dir = tempDir();
    const recorder = await startTestGateway({
      mode: "record",
      upstream: { kind: "mock" },
      recording: { dir },
    });
    const ask = (url: string, content: string) =>
      new OpenAI({ baseURL: `${url}/v1`, apiKey: "demo:demo-token", maxRetries: 0 }).chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content }],
      });
    await ask(recorder.url, "one");
    await ask(recorder.url, "two");
    await recorder.close();

    const replayer = await startTestGateway({ mode: "replay", recording: { dir } });
    try {
      await ask(replayer.url, "two");
      const { code, out } = await cli(["cassettes", "unused", "--url", replayer.url]);
      expect(code).toBe(0);
      expect(out[0]).toBe("default: 1 recording of 2 unused");
      expect(out[1]).toMatch(/^ {2}entry 1 {2}us\.anthropic\.claude-haiku-4-5\S* {2}sha256:/);
    } finally {
      await replayer.close();
    }
  });
});
