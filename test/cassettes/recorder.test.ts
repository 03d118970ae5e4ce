import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { withCassettes } from "../../src/cassettes/recorder.ts";
import { GatewayError } from "../../src/shared/errors.ts";
import { ask, cassetteOptions, ctx, filesUnder, tempDir } from "../helpers/cassettes.ts";
import { fakeUpstream } from "../helpers/fake-upstream.ts";

async function rejection(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("withCassettes: record then replay", () => {
  it("replays the recorded bytes without calling the upstream, filling the caller's team id back", async () => {
    const dir = tempDir();
    const live = fakeUpstream();
    const recorder = withCassettes(live, cassetteOptions(dir, "record"));
    const tool = {
      name: "get_weather",
      input_schema: { type: "object", properties: { location: { type: "string" } } },
    };
    const requests = [
      ask("What is 2+2?"),
      ask("Weather in Paris?", { tools: [tool], tool_choice: { type: "auto" } }),
      ask("boom"),
    ];
    const recorded = [];
    for (const request of requests) recorded.push(await recorder.invoke(request, ctx()));
    await recorder.close();
    expect(live.closed).toBe(true);

    const inner = fakeUpstream();
    const player = withCassettes(inner, cassetteOptions(dir, "replay"));
    for (const [i, request] of requests.entries()) {
      const replayed = await player.invoke(request, ctx());
      expect(replayed.status).toBe(recorded[i]?.status);
      expect(replayed.body).toBe(recorded[i]?.body);
    }
    // Another team replays the same recording and sees its own team id.
    const other = await player.invoke(requests[0] ?? ask(""), ctx("team_beta"));
    expect(JSON.parse(other.body).metadata.team_id).toBe("team_beta");
    expect(inner.calls).toBe(0);
  });

  it("keeps only the headers worth keeping, and records errors too", async () => {
    const dir = tempDir();
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
    await recorder.invoke(ask("boom"), ctx());
    await recorder.close();
    const replayed = await withCassettes(fakeUpstream(), cassetteOptions(dir, "replay")).invoke(
      ask("boom"),
      ctx(),
    );
    expect(replayed.status).toBe(500);
    expect(replayed.headers).toEqual({ "content-type": "application/json", "x-amzn-requestid": "req-1" });
    expect(replayed.body).toContain("ValidationException");
  });

  it("stores proxy-style JSON (spacing, 1e-05) as text and replays it byte for byte", async () => {
    const dir = tempDir();
    const recorder = withCassettes(fakeUpstream({ pythonStyle: true }), cassetteOptions(dir, "record"));
    const live = await recorder.invoke(ask("hi"), ctx());
    expect(live.body).toContain('"cost_usd": 1e-05');
    await recorder.close();
    const replayed = await withCassettes(fakeUpstream(), cassetteOptions(dir, "replay")).invoke(
      ask("hi"),
      ctx(),
    );
    expect(replayed.body).toBe(live.body);
  });

  it("stores a JSON body as readable YAML structure, with long texts as block scalars", async () => {
    const dir = tempDir();
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
    await recorder.invoke(ask("line one\nline two"), ctx());
    await recorder.close();
    const text = readFileSync(join(dir, "default.yaml"), "utf8");
    expect(text).toMatch(/^format: bedrock-proxy-gateway\/cassette$/m);
    expect(text).toMatch(/^version: 1$/m);
    expect(text).toMatch(/^ {2}json:$/m);
    expect(text).toContain("text: |-\n");
    expect(text).toContain("team_id: <team_id>");
    const docs = parseAllDocuments(text);
    expect(Array.isArray(docs) && docs.length).toBe(2);
  });

  it("survives hostile keys such as __proto__ in a response body", async () => {
    const dir = tempDir();
    const body = '{"__proto__":{"polluted":true},"content":[],"n":-1.5e300,"u":"\\u2028é"}';
    const upstream = {
      invoke: () => Promise.resolve({ status: 200, headers: {}, body }),
      close: () => Promise.resolve(),
    };
    const recorder = withCassettes(upstream, cassetteOptions(dir, "record"));
    await recorder.invoke(ask("x"), ctx());
    await recorder.close();
    const replayed = await withCassettes(upstream, cassetteOptions(dir, "replay")).invoke(ask("x"), ctx());
    expect(replayed.body).toBe(body);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("withCassettes: matching", () => {
  it("replays identical requests in recorded order, then repeats the last", async () => {
    const dir = tempDir();
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
    const first = await recorder.invoke(ask("same"), ctx());
    const second = await recorder.invoke(ask("same"), ctx());
    await recorder.close();
    expect(first.body).not.toBe(second.body);
    const player = withCassettes(fakeUpstream(), cassetteOptions(dir, "replay"));
    const bodies = [];
    for (let i = 0; i < 4; i++) bodies.push((await player.invoke(ask("same"), ctx())).body);
    expect(bodies).toEqual([first.body, second.body, second.body, second.body]);
  });

  it("ignores key order and the configured volatile fields", async () => {
    const dir = tempDir();
    const recorder = withCassettes(
      fakeUpstream(),
      cassetteOptions(dir, "record", { ignore_fields: ["temperature", "metadata.user"] }),
    );
    const live = await recorder.invoke(
      ask("hi", { temperature: 0.2, metadata: { user: "u1", tag: "a" } }),
      ctx(),
    );
    await recorder.close();
    const player = withCassettes(
      fakeUpstream(),
      cassetteOptions(dir, "replay", { ignore_fields: ["temperature", "metadata.user"] }),
    );
    const reordered = {
      metadata: { tag: "a", user: "u2" },
      temperature: 0.9,
      messages: [{ content: "hi", role: "user" as const }],
      max_tokens: 256,
      model: "us.anthropic.claude-3-haiku-20240307-v1:0",
    };
    expect((await player.invoke(reordered, ctx())).body).toBe(live.body);
  });

  it("re-hashes on load when the ignore list changed since recording", async () => {
    const dir = tempDir();
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
    const live = await recorder.invoke(ask("hi", { temperature: 0.2 }), ctx());
    await recorder.close();
    const player = withCassettes(
      fakeUpstream(),
      cassetteOptions(dir, "replay", { ignore_fields: ["temperature"] }),
    );
    expect((await player.invoke(ask("hi", { temperature: 1 }), ctx())).body).toBe(live.body);
  });

  it("auto replays what is recorded and records only misses", async () => {
    const dir = tempDir();
    const first = fakeUpstream();
    const auto = withCassettes(first, cassetteOptions(dir, "auto"));
    const a = await auto.invoke(ask("a"), ctx());
    expect((await auto.invoke(ask("a"), ctx())).body).toBe(a.body);
    expect(first.calls).toBe(1);
    await auto.close();

    const second = fakeUpstream();
    const again = withCassettes(second, cassetteOptions(dir, "auto"));
    expect((await again.invoke(ask("a"), ctx())).body).toBe(a.body);
    await again.invoke(ask("b"), ctx());
    expect(second.calls).toBe(1);
    await again.close();
    const docs = readFileSync(join(dir, "default.yaml"), "utf8").split(/^---$/m);
    expect(docs).toHaveLength(3);
  });

  it("re-recording refreshes entries instead of growing the cassette", async () => {
    const dir = tempDir();
    for (let run = 0; run < 2; run++) {
      const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
      await recorder.invoke(ask("a"), ctx());
      await recorder.invoke(ask("a"), ctx());
      await recorder.close();
    }
    expect(readFileSync(join(dir, "default.yaml"), "utf8").split(/^---$/m)).toHaveLength(3);
  });
});

describe("withCassettes: misses and names", () => {
  it("a replay miss is a 404 cassette_miss naming the cassette and the differing path", async () => {
    const dir = tempDir();
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
    await recorder.invoke(ask("What is the capital of France?"), ctx("t", "k", { cassette: "suite/geo" }));
    await recorder.invoke(
      ask("Something else entirely", { max_tokens: 10 }),
      ctx("t", "k", { cassette: "suite/geo" }),
    );
    await recorder.close();
    const inner = fakeUpstream();
    const player = withCassettes(inner, cassetteOptions(dir, "replay"));
    const error = await rejection(
      player.invoke(
        ask("What is the capital of Spain?", { temperature: 0 }),
        ctx("t", "k", { cassette: "suite/geo" }),
      ),
    );
    expect(error.status).toBe(404);
    expect(error.code).toBe("cassette_miss");
    expect(error.type).toBe("invalid_request_error");
    expect(error.message).toContain('cassette "suite/geo"');
    expect(error.message).toContain("entry 1 of 2");
    expect(error.message).toContain(
      'messages[0].content: "What is the capital of Spain?" (recorded: "What is the capital of France?")',
    );
    expect(error.message).toContain("temperature: 0 (recorded: (absent))");
    expect(inner.calls).toBe(0);
  });

  it("a miss on a cassette that does not exist says so", async () => {
    const error = await rejection(
      withCassettes(fakeUpstream(), cassetteOptions(tempDir(), "replay")).invoke(ask("x"), ctx()),
    );
    expect(error.code).toBe("cassette_miss");
    expect(error.message).toContain("does not exist yet");
  });

  it("picks the cassette from the context, else the configured default", async () => {
    const dir = tempDir();
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record", { cassette: "base" }));
    await recorder.invoke(ask("x"), ctx());
    await recorder.invoke(ask("x"), ctx("t", "k", { cassette: "nested/dir/name.v2" }));
    await recorder.close();
    expect(existsSync(join(dir, "base.yaml"))).toBe(true);
    expect(existsSync(join(dir, "nested/dir/name.v2.yaml"))).toBe(true);
  });

  it.each(["../escape", "/etc/passwd", "a/../../b", "a b", "a//b", "./x", "x/", "", "ok\0", "..", "a\\b"])(
    "rejects the cassette name %j with a 400",
    async (name) => {
      const dir = tempDir();
      const inner = fakeUpstream();
      const error = await rejection(
        withCassettes(inner, cassetteOptions(dir, "record")).invoke(
          ask("x"),
          ctx("t", "k", { cassette: name }),
        ),
      );
      expect(error.status).toBe(400);
      expect(error.code).toBe("invalid_cassette_name");
      expect(inner.calls).toBe(0);
    },
  );
});

describe("withCassettes: files", () => {
  it("an unknown format version is a clear error saying what to do", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, "default.yaml"),
      "format: bedrock-proxy-gateway/cassette\nversion: 7\n---\nkey: x\n",
    );
    const error = await rejection(
      withCassettes(fakeUpstream(), cassetteOptions(dir, "replay")).invoke(ask("x"), ctx()),
    );
    expect(error.code).toBe("cassette_version_unsupported");
    expect(error.message).toContain("version 7");
    expect(error.message).toContain("Upgrade bedrock-proxy-gateway");
  });

  it("a file that is not a cassette is named in the error", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "default.yaml"), "hello: world\n");
    const error = await rejection(
      withCassettes(fakeUpstream(), cassetteOptions(dir, "replay")).invoke(ask("x"), ctx()),
    );
    expect(error.code).toBe("cassette_invalid");
    expect(error.message).toContain("default.yaml is not a bedrock-proxy-gateway cassette");
  });

  it("200 concurrent recordings into one cassette all land and the file parses", async () => {
    const dir = tempDir();
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => recorder.invoke(ask(`question ${i}`), ctx())),
    );
    await recorder.close();
    const docs = parseAllDocuments(readFileSync(join(dir, "default.yaml"), "utf8"));
    expect(Array.isArray(docs) && docs.every((d) => d.errors.length === 0) && docs.length).toBe(201);
    const player = withCassettes(fakeUpstream(), cassetteOptions(dir, "replay"));
    const replayed = await Promise.all(
      Array.from({ length: 200 }, (_, i) => player.invoke(ask(`question ${i}`), ctx())),
    );
    expect(replayed.map((r) => r.body)).toEqual(answers.map((a) => a.body));
    expect(filesUnder(dir).map((f) => f.path)).toEqual([join(dir, "default.yaml")]);
  });
});

describe("withCassettes: credentials never reach disk", () => {
  it("finds none of the credentials used in any written cassette", async () => {
    const dir = tempDir();
    const team = "team_secret_4242";
    const token = "tok-SECRET-9f8e7d6c";
    const credentials = ctx(team, token, { cassette: "creds" });
    const recorder = withCassettes(
      fakeUpstream({ leakToken: true }),
      cassetteOptions(dir, "record", { redact_patterns: ["sk-[a-z0-9]{8,}"] }),
    );
    await recorder.invoke(ask(`I am ${team}, my key is ${token} and sk-abcdef123456`), credentials);
    // A request that smuggles credentials in body fields and nested objects.
    await recorder.invoke(
      ask("x", {
        api_token: token,
        team_id: team,
        participant_id: team,
        extra: { authorization: `Bearer ${token}`, "x-api-key": token },
      }),
      credentials,
    );
    await recorder.invoke(ask("boom"), credentials);
    await recorder.invoke(ask("short team"), ctx("demo", "demo-token-123", { cassette: "short" }));
    await recorder.close();

    const files = filesUnder(dir);
    expect(files.length).toBe(2);
    for (const { path, text } of files) {
      for (const secret of [
        team,
        token,
        "sk-abcdef123456",
        "demo-token-123",
        "Bearer",
        "set-cookie",
        "session=secret",
      ]) {
        expect(text, `${path} contains ${secret}`).not.toContain(secret);
      }
    }
    const shortText = files.find((f) => f.path.endsWith("short.yaml"))?.text ?? "";
    expect(shortText).not.toMatch(/team_id: demo$/m);

    // Replay by the same team gives back the team id (the token stays redacted).
    const replayed = await withCassettes(fakeUpstream(), cassetteOptions(dir, "replay")).invoke(
      ask("boom"),
      credentials,
    );
    expect(replayed.status).toBe(500);
    const hello = await withCassettes(fakeUpstream(), cassetteOptions(dir, "replay")).invoke(
      ask("short team"),
      ctx("demo", "other", { cassette: "short" }),
    );
    expect(JSON.parse(hello.body).metadata.team_id).toBe("demo");
  });

  it("keeps a short team id inside ordinary words untouched", async () => {
    const dir = tempDir();
    mkdirSync(dir, { recursive: true });
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
    const live = await recorder.invoke(ask("demonstrate"), ctx("demo", "tok"));
    await recorder.close();
    expect(readFileSync(join(dir, "default.yaml"), "utf8")).toContain("demonstrate");
    const replayed = await withCassettes(fakeUpstream(), cassetteOptions(dir, "replay")).invoke(
      ask("demonstrate"),
      ctx("demo", "tok"),
    );
    expect(replayed.body).toBe(live.body);
  });
});

describe("withCassettes: transient failures", () => {
  it("auto does not record a throttled answer, so the retry's answer is what gets recorded", async () => {
    const dir = tempDir();
    let calls = 0;
    const flaky = {
      invoke: () => {
        calls++;
        return Promise.resolve(
          calls === 1
            ? {
                status: 500,
                headers: {},
                body: '{"error": "Bedrock error: ThrottlingException: Too many tokens, please wait before trying again."}',
              }
            : {
                status: 200,
                headers: {},
                body: '{"content":[],"usage":{"input_tokens":1,"output_tokens":0,"total_tokens":1}}',
              },
        );
      },
      close: () => Promise.resolve(),
    };
    const auto = withCassettes(flaky, cassetteOptions(dir, "auto"));
    expect((await auto.invoke(ask("x"), ctx())).status).toBe(500);
    expect((await auto.invoke(ask("x"), ctx())).status).toBe(200);
    expect((await auto.invoke(ask("x"), ctx())).status).toBe(200);
    expect(calls).toBe(2);
    await auto.close();
    expect((await withCassettes(flaky, cassetteOptions(dir, "replay")).invoke(ask("x"), ctx())).status).toBe(
      200,
    );
  });

  it("record keeps the whole sequence, so a replayed retry sees what the live one saw", async () => {
    const dir = tempDir();
    let calls = 0;
    const flaky = {
      invoke: () =>
        Promise.resolve(
          ++calls === 1
            ? { status: 504, headers: {}, body: '{"message": "Endpoint request timed out"}' }
            : { status: 200, headers: {}, body: "{}" },
        ),
      close: () => Promise.resolve(),
    };
    const recorder = withCassettes(flaky, cassetteOptions(dir, "record"));
    await recorder.invoke(ask("x"), ctx());
    await recorder.invoke(ask("x"), ctx());
    await recorder.close();
    const player = withCassettes(flaky, cassetteOptions(dir, "replay"));
    expect((await player.invoke(ask("x"), ctx())).status).toBe(504);
    expect((await player.invoke(ask("x"), ctx())).status).toBe(200);
  });
});
