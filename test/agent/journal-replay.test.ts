// The request journal (never a credential, filters, bounded, every face) and strict replay with the
// unused-recordings report (CONTRACT §4, §5 "Agent-test controls"), over real sockets.
import { rmSync } from "node:fs";
import OpenAI from "openai";
import { afterAll, describe, expect, test } from "vitest";
import { captureLog, startTestGateway } from "../helpers/gateway.ts";
import { tempDir } from "../helpers/cassettes.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const SECRET = "s3cret-token-never-shown";
const teams = [{ team_id: "alpha", api_token: SECRET, budget_limit: 50 }];

describe("the request journal", () => {
  test("never contains a credential, whichever way it was sent", async () => {
    const gw = await startTestGateway({ mode: "mock", mock: { teams } });
    try {
      const sdk = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: `alpha:${SECRET}`, maxRetries: 0 });
      await sdk.chat.completions.create({
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "hi" }],
      });
      await sdk.chat.completions.create(
        { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
        { headers: { "X-Team-ID": "alpha", "X-API-Token": SECRET } },
      );
      const invoke = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
        fetch(`${gw.url}/prod/invoke`, {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({
            model: "us.anthropic.claude-3-haiku-20240307-v1:0",
            max_tokens: 50,
            messages: [{ role: "user", content: "hi" }],
            ...body,
          }),
        });
      expect((await invoke({ team_id: "alpha", api_token: SECRET })).status).toBe(200);
      expect((await invoke({}, { "X-Team-ID": "alpha", "X-API-Token": SECRET })).status).toBe(200);
      expect((await invoke({ participant_id: "alpha", api_token: SECRET })).status).toBe(200);
      expect((await invoke({ team_id: "alpha", api_token: "wrong-one" })).status).toBe(401);

      const text = await (await fetch(`${gw.url}/admin/requests`)).text();
      const { data } = JSON.parse(text) as { data: { face: string; team: string | null; body: unknown }[] };
      expect(data).toHaveLength(6);
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain("wrong-one");
      expect(data.map((e) => e.face)).toEqual(["invoke", "invoke", "invoke", "invoke", "chat", "chat"]);
      expect(data.slice(1).every((e) => e.team === "alpha")).toBe(true);
      expect(data[1]!.body).toMatchObject({ participant_id: "alpha", api_token: "[REDACTED]" });
      expect(JSON.stringify(gw.requests())).not.toContain(SECRET);
    } finally {
      await gw.close();
    }
  });

  test("filters by face and cassette, is bounded, newest first, and clears", async () => {
    const gw = await startTestGateway({ mode: "mock", server: { journal_size: 3 } });
    try {
      const sdk = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "x", maxRetries: 0 });
      for (const word of ["one", "two", "three", "four"]) {
        await sdk.chat.completions.create(
          { model: "gpt-4o-mini", messages: [{ role: "user", content: word }] },
          { headers: { "X-Cassette": word === "two" ? "other" : "mine" } },
        );
      }
      const words = (entries: { body: unknown }[]) =>
        entries.map((e) => (e.body as { messages: { content: string }[] }).messages[0]!.content);
      expect(words(gw.requests())).toEqual(["four", "three", "two"]);
      expect(words(gw.requests({ cassette: "mine" }))).toEqual(["four", "three"]);
      expect(gw.requests({ face: "invoke" })).toEqual([]);
      const limited = (await (await fetch(`${gw.url}/admin/requests?limit=1&face=chat`)).json()) as {
        data: unknown[];
      };
      expect(limited.data).toHaveLength(1);
      const cleared = await fetch(`${gw.url}/admin/requests?cassette=mine`, { method: "DELETE" });
      expect(await cleared.json()).toEqual({ deleted: 2 });
      expect(words(gw.requests())).toEqual(["two"]);
      expect(gw.clearRequests()).toBe(1);
      expect(gw.requests()).toEqual([]);
    } finally {
      await gw.close();
    }
  });
});

/** Record `questions` into cassette `name` (record mode on the simulator), then close. */
async function record(dir: string, name: string, questions: string[]): Promise<void> {
  const gw = await startTestGateway({ mode: "record", upstream: { kind: "mock" }, recording: { dir } });
  try {
    const sdk = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "demo:demo-token", maxRetries: 0 });
    for (const q of questions)
      await sdk.chat.completions.create(
        { model: "gpt-4o-mini", messages: [{ role: "user", content: q }] },
        { headers: { "X-Cassette": name } },
      );
  } finally {
    await gw.close();
  }
}

async function replaying(dir: string, strict: boolean, logger?: ReturnType<typeof captureLog>["logger"]) {
  return startTestGateway({
    mode: "replay",
    recording: { dir },
    replay: { strict },
    ...(logger === undefined ? {} : { logger }),
  });
}

describe("strict replay and the unused-recordings report", () => {
  test("strict: a used-up recording is a clear 404; not strict: the last repeats", async () => {
    const dir = tempDir();
    dirs.push(dir);
    await record(dir, "loop", ["same question"]);
    for (const strict of [false, true]) {
      const gw = await replaying(dir, strict);
      try {
        const sdk = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "demo:demo-token", maxRetries: 0 });
        const ask = () =>
          sdk.chat.completions.create(
            { model: "gpt-4o-mini", messages: [{ role: "user", content: "same question" }] },
            { headers: { "X-Cassette": "loop" } },
          );
        const first = await ask();
        const second = await ask().catch((e: unknown) => e);
        if (!strict) {
          expect((second as OpenAI.ChatCompletion).choices[0]?.message.content).toBe(
            first.choices[0]?.message.content,
          );
          continue;
        }
        expect(second).toBeInstanceOf(OpenAI.NotFoundError);
        const error = second as InstanceType<typeof OpenAI.NotFoundError>;
        expect(error.code).toBe("cassette_miss");
        expect(error.message).toMatch(/already used \(1 recorded; replay\.strict is on/);
        expect(gw.requests()[0]).toMatchObject({ status: 404, error: "cassette_miss", cassette: "loop" });
      } finally {
        await gw.close();
      }
    }
  });

  test("the report lists exactly the recordings no request used, at shutdown and on demand", async () => {
    const dir = tempDir();
    dirs.push(dir);
    await record(dir, "used", ["first", "second", "third", "first"]);
    await record(dir, "untouched", ["alone"]);
    const { logger, log } = captureLog("warn");
    const gw = await replaying(dir, false, logger);
    const sdk = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "demo:demo-token", maxRetries: 0 });
    const ask = (content: string) =>
      sdk.chat.completions.create(
        { model: "gpt-4o-mini", messages: [{ role: "user", content }] },
        { headers: { "X-Cassette": "used" } },
      );
    await ask("first"); // entry 1; entry 4 (the second "first") stays unused
    await ask("third"); // entry 3
    const report = (await (await fetch(`${gw.url}/admin/cassettes/unused`)).json()) as {
      cassettes: { cassette: string; recordings: number; unused: { entry: number }[] }[];
      total_unused: number;
    };
    expect(report.cassettes.map((c) => [c.cassette, c.recordings, c.unused.map((u) => u.entry)])).toEqual([
      ["untouched", 1, [1]],
      ["used", 4, [2, 4]],
    ]);
    expect(report.total_unused).toBe(3);
    await gw.close();
    const lines = log.lines.map((l) => JSON.parse(l) as { msg: string; cassette: string; entries: number[] });
    const unused = lines.filter((l) => l.msg === "recordings no request used");
    expect(unused.map((l) => [l.cassette, l.entries])).toEqual([
      ["untouched", [1]],
      ["used", [2, 4]],
    ]);
  });
});
