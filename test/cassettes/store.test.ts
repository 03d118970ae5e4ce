// The store keeps the file's text and parses an entry when it is replayed: what that must not change.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { matchRules, requestKey } from "../../src/cassettes/canonical.ts";
import { inspectCassette } from "../../src/cassettes/inspect.ts";
import { withCassettes } from "../../src/cassettes/recorder.ts";
import { closestRecording } from "../../src/cassettes/miss.ts";
import {
  FORMAT_NAME,
  FORMAT_VERSION,
  formatEntry,
  formatHeader,
  joinCassette,
} from "../../src/cassettes/format.ts";
import { CassetteStore } from "../../src/cassettes/store.ts";
import { ManualClock } from "../../src/shared/clock.ts";
import { GatewayError } from "../../src/shared/errors.ts";
import type { UpstreamClient } from "../../src/upstream/types.ts";
import { ask, cassetteOptions, ctx, tempDir } from "../helpers/cassettes.ts";
import { fakeUpstream } from "../helpers/fake-upstream.ts";
import { upstreamResponse } from "../../src/upstream/result.ts";

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

/** Answers of ~40 kB, so a few dozen entries outgrow what the store keeps parsed. */
function bigUpstream(): UpstreamClient {
  return {
    invoke: (request) =>
      Promise.resolve(
        upstreamResponse(
          200,
          { "content-type": "application/json" },
          JSON.stringify({
            content: [
              { type: "text", text: `${JSON.stringify(request.messages)}\n${"lorem ipsum ".repeat(3400)}` },
            ],
            metadata: { team_id: "team_alpha_2025" },
          }),
        ),
      ),
    close: () => Promise.resolve(),
  };
}

describe("cassette store", () => {
  it("keeps entries it did not record byte for byte when it writes the file", async () => {
    const dir = tempDir();
    const request = ask("hand written");
    const key = requestKey(request, matchRules([]));
    const handWritten =
      `key: ${key}\n# a comment, flow style and a text body: all kept as written\norder: 0\n` +
      `request: {model: "${request.model}", max_tokens: 256, messages: [{role: user, content: hand written}]}\n` +
      `response: {status: 200, headers: {content-type: application/json}, text: '{"hand": 1}'}\n`;
    writeFileSync(
      join(dir, "default.yaml"),
      "format: bedrock-proxy-gateway/cassette\nversion: 1\nignore_fields: [team_id, participant_id, api_token]\n" +
        `---\n${handWritten}`,
    );
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
    await recorder.invoke(ask("recorded"), ctx());
    await recorder.close();
    expect(readFileSync(join(dir, "default.yaml"), "utf8")).toContain(`---\n${handWritten}---\n`);
    const player = withCassettes(fakeUpstream(), cassetteOptions(dir, "replay"));
    expect((await player.invoke(request, ctx())).text()).toBe('{"hand": 1}');
  });

  it("reads a cassette saved with CRLF line ends, and keeps its entries when it writes", async () => {
    const dir = tempDir();
    const entry = (text: string, body: string) => {
      const request = ask(text);
      return [
        `key: ${requestKey(request, matchRules([]))}`,
        `request: {model: "${request.model}", max_tokens: 256, messages: [{role: user, content: ${text}}]}`,
        `response: {status: 200, headers: {}, text: '${body}'}`,
        "",
      ].join("\r\n");
    };
    const header =
      "format: bedrock-proxy-gateway/cassette\r\nversion: 1\r\nignore_fields: [team_id, participant_id, api_token]\r\n";
    const first = entry("one", '{"n": 1}');
    writeFileSync(
      join(dir, "default.yaml"),
      `${header}---\r\n${first}--- \t\r\n${entry("two", '{"n": 2}')}---\r\n`,
    );
    const auto = withCassettes(fakeUpstream(), cassetteOptions(dir, "auto", { ignore_fields: [] }));
    expect((await auto.invoke(ask("two"), ctx())).text()).toBe('{"n": 2}');
    await auto.invoke(ask("three"), ctx());
    await auto.close();
    expect(readFileSync(join(dir, "default.yaml"), "utf8")).toContain(`---\n${first}---\n`);
    const player = withCassettes(fakeUpstream(), cassetteOptions(dir, "replay"));
    expect((await player.invoke(ask("one"), ctx())).text()).toBe('{"n": 1}');
    expect((await player.invoke(ask("two"), ctx())).text()).toBe('{"n": 2}');
  });

  it("writes re-hashed keys once the ignore list changed, and replays under the new rules", async () => {
    const dir = tempDir();
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
    const live = await recorder.invoke(ask("hi", { temperature: 0.2 }), ctx());
    await recorder.close();
    const rules = { ignore_fields: ["temperature"] };
    const auto = withCassettes(fakeUpstream(), cassetteOptions(dir, "auto", rules));
    expect((await auto.invoke(ask("hi", { temperature: 1 }), ctx())).text()).toBe(live.text());
    await auto.invoke(ask("new"), ctx());
    await auto.close();
    const report = await inspectCassette(dir, "default", matchRules(["temperature"]));
    expect(report.problems).toEqual([]);
    expect(report.entries).toHaveLength(2);
    expect(report.header?.ignore_fields).toContain("temperature");
  });

  it("replays every entry exactly, beyond what it keeps parsed and after its own writes", async () => {
    const dir = tempDir();
    const auto = withCassettes(bigUpstream(), cassetteOptions(dir, "auto"));
    const prompts = Array.from({ length: 40 }, (_, i) => `prompt ${i}`);
    const recorded: string[] = [];
    for (const prompt of prompts) recorded.push((await auto.invoke(ask(prompt), ctx())).text());
    // The same client reads back what it wrote (the file it renamed into place).
    for (const [i, prompt] of prompts.entries())
      expect((await auto.invoke(ask(prompt), ctx())).text()).toBe(recorded[i]);
    await auto.close();
    const player = withCassettes(fakeUpstream(), cassetteOptions(dir, "replay"));
    for (let pass = 0; pass < 2; pass++) {
      for (const [i, prompt] of prompts.entries()) {
        const replayed = await player.invoke(ask(prompt), ctx("team_beta"));
        expect(replayed.text()).toBe(recorded[i]?.replace("team_alpha_2025", "team_beta"));
      }
    }
  });

  for (const mode of ["replay", "auto"] as const) {
    it(`${mode}: a cassette edited on disk while open is read again, its replay order afresh`, async () => {
      const dir = tempDir();
      const other = tempDir();
      const answers: Record<string, string> = {};
      for (const [into, prompts, team] of [
        [dir, ["x", "y"], "team_one"],
        [other, ["x", "y", "z"], "team_two"],
      ] as const) {
        const recorder = withCassettes(fakeUpstream(), cassetteOptions(into, "record"));
        for (const prompt of prompts)
          answers[`${into}/${prompt}`] = (await recorder.invoke(ask(prompt), ctx(team))).text();
        await recorder.close();
      }
      // Checked on every request here (the default is once a second), so no test has to wait.
      const player = withCassettes(fakeUpstream(), { ...cassetteOptions(dir, mode), changeCheckMs: 0 });
      expect((await player.invoke(ask("y"), ctx("team_one"))).text()).toBe(answers[`${dir}/y`]);
      // Same file (inode), new content, as an editor saving over it would.
      writeFileSync(join(dir, "default.yaml"), readFileSync(join(other, "default.yaml")));
      expect((await player.invoke(ask("z"), ctx("team_two"))).text()).toBe(answers[`${other}/z`]);
      // The player's own writes (auto records what is new) are not taken for an edit.
      if (mode === "auto") {
        await player.invoke(ask("new"), ctx("team_two"));
        expect((await player.invoke(ask("z"), ctx("team_two"))).text()).toBe(answers[`${other}/z`]);
      }
      await player.close();
    });
  }

  it("serves what it loaded until the next check (once a second by default)", async () => {
    const dir = tempDir();
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
    const first = (await recorder.invoke(ask("x"), ctx("team_one"))).text();
    await recorder.close();
    const player = withCassettes(fakeUpstream(), cassetteOptions(dir, "replay"));
    await player.invoke(ask("x"), ctx("team_one"));
    writeFileSync(join(dir, "default.yaml"), "not: [a cassette\n");
    expect((await player.invoke(ask("x"), ctx("team_one"))).text()).toBe(first);
    await player.close();
  });

  it("holds no file open while serving", async () => {
    const fds = "/proc/self/fd";
    if (!existsSync(fds)) return;
    const dir = tempDir();
    const names = ["a", "b", "c"];
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
    for (const cassette of names) await recorder.invoke(ask("x"), ctx("t", "k", { cassette }));
    await recorder.close();
    const before = readdirSync(fds).length;
    const player = withCassettes(fakeUpstream(), cassetteOptions(dir, "replay"));
    for (const cassette of names) await player.invoke(ask("x"), ctx("t", "k", { cassette }));
    expect(readdirSync(fds).length).toBe(before);
    await player.close();
  });

  it("parses an entry when it is replayed: a broken one fails its own requests only", async () => {
    const dir = tempDir();
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
    const first = await recorder.invoke(ask("one"), ctx());
    await recorder.invoke(ask("two"), ctx());
    await recorder.close();
    const file = join(dir, "default.yaml");
    const text = readFileSync(file, "utf8");
    // Entry 2's response no longer parses; its key line (what the index reads) is intact.
    const at = text.lastIndexOf("response:");
    writeFileSync(file, `${text.slice(0, at)}response: {status: [\n`);
    const player = withCassettes(fakeUpstream(), cassetteOptions(dir, "replay"));
    expect((await player.invoke(ask("one"), ctx())).text()).toBe(first.text());
    const broken = await rejection(player.invoke(ask("two"), ctx()));
    expect(broken.code).toBe("cassette_invalid");
    expect(broken.message).toMatch(/entry 2 is not valid YAML/);
    expect(broken.message).not.toContain(dir);
    expect((await player.invoke(ask("one"), ctx())).text()).toBe(first.text());
    await player.close();
  });

  it("searches a big cassette for the closest recording in slices, letting other work run between", async () => {
    const dir = tempDir();
    const rules = matchRules([]);
    const at = "2026-01-05T09:00:00.000Z";
    const prompt = (i: number): string => `recorded prompt number ${i}`;
    const entries = Array.from({ length: 300 }, (_, i) => {
      const request = ask(prompt(i));
      return formatEntry({
        key: requestKey(request, rules),
        order: 0,
        recorded_at: at,
        latency_ms: 1,
        request,
        response: { status: 200, headers: {}, json: { n: i } },
      });
    });
    const header = formatHeader({
      format: FORMAT_NAME,
      version: FORMAT_VERSION,
      created: at,
      updated: at,
      creator: "test",
      ignore_fields: [...rules.ignoredFields],
    });
    const file = join(dir, "default.yaml");
    writeFileSync(file, joinCassette(header, entries));
    const search = async (sliceMs: number) => {
      const store = await CassetteStore.open({
        name: "default",
        file,
        rules,
        clock: new ManualClock(),
        creator: "test",
      });
      let ranBetween = false;
      setImmediate(() => (ranBetween = true));
      const closest = await closestRecording(store, ask(`${prompt(299)} and then some`), sliceMs);
      await store.close();
      return { closest, ranBetween };
    };
    // Sliced as finely as it goes: the event loop gets turns during the search.
    const sliced = await search(0);
    expect(sliced.ranBetween).toBe(true);
    expect(sliced.closest?.index).toBe(300);
    expect(sliced.closest?.differences.map((d) => d.path)).toEqual(["messages[0].content"]);
    // One slice longer than the search: it runs to the end without a turn (so the check above can fail).
    const whole = await search(60_000);
    expect(whole.ranBetween).toBe(false);
    expect(whole.closest?.index).toBe(sliced.closest?.index);
  });
});
