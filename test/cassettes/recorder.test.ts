import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { withCassettes } from "../../src/cassettes/recorder.ts";
import { GatewayError } from "../../src/shared/errors.ts";
import type { InvokeContext, InvokeRequest, UpstreamResponse } from "../../src/upstream/types.ts";
import { ask, cassetteOptions, ctx, filesUnder, tempDir } from "../helpers/cassettes.ts";
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
      expect(replayed.text()).toBe(recorded[i]?.text());
    }
    // Another team replays the same recording and sees its own team id.
    const other = await player.invoke(requests[0] ?? ask(""), ctx("team_beta"));
    expect(JSON.parse(other.text()).metadata.team_id).toBe("team_beta");
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
    expect(replayed.text()).toContain("ValidationException");
  });

  it("stores proxy-style JSON (spacing, 1e-05) as text and replays it byte for byte", async () => {
    const dir = tempDir();
    const recorder = withCassettes(fakeUpstream({ pythonStyle: true }), cassetteOptions(dir, "record"));
    const live = await recorder.invoke(ask("hi"), ctx());
    expect(live.text()).toContain('"cost_usd": 1e-05');
    await recorder.close();
    const replayed = await withCassettes(fakeUpstream(), cassetteOptions(dir, "replay")).invoke(
      ask("hi"),
      ctx(),
    );
    expect(replayed.text()).toBe(live.text());
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
      invoke: () => Promise.resolve(upstreamResponse(200, {}, body)),
      close: () => Promise.resolve(),
    };
    const recorder = withCassettes(upstream, cassetteOptions(dir, "record"));
    await recorder.invoke(ask("x"), ctx());
    await recorder.close();
    const replayed = await withCassettes(upstream, cassetteOptions(dir, "replay")).invoke(ask("x"), ctx());
    expect(replayed.text()).toBe(body);
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
    expect(first.text()).not.toBe(second.text());
    const player = withCassettes(fakeUpstream(), cassetteOptions(dir, "replay"));
    const bodies = [];
    for (let i = 0; i < 4; i++) bodies.push((await player.invoke(ask("same"), ctx())).text());
    expect(bodies).toEqual([first.text(), second.text(), second.text(), second.text()]);
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
    expect((await player.invoke(reordered, ctx())).text()).toBe(live.text());
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
    expect((await player.invoke(ask("hi", { temperature: 1 }), ctx())).text()).toBe(live.text());
  });

  it("auto replays what is recorded and records only misses", async () => {
    const dir = tempDir();
    const first = fakeUpstream();
    const auto = withCassettes(first, cassetteOptions(dir, "auto"));
    const a = await auto.invoke(ask("a"), ctx());
    expect((await auto.invoke(ask("a"), ctx())).text()).toBe(a.text());
    expect(first.calls).toBe(1);
    await auto.close();

    const second = fakeUpstream();
    const again = withCassettes(second, cassetteOptions(dir, "auto"));
    expect((await again.invoke(ask("a"), ctx())).text()).toBe(a.text());
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

  it("among recordings that differ as much, the miss points at the most alike (a typo finds its prompt)", async () => {
    const dir = tempDir();
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
    for (const prompt of [
      "Summarise the first chapter",
      "Summarise the second chapter",
      "Translate the title",
    ])
      await recorder.invoke(ask(prompt), ctx());
    await recorder.close();
    const player = withCassettes(fakeUpstream(), cassetteOptions(dir, "replay"));
    const error = await rejection(player.invoke(ask("Summarise the secnd chapter"), ctx()));
    expect(error.message).toContain("entry 2 of 3");
    expect(error.message).toContain('(recorded: "Summarise the second chapter")');
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
    expect(replayed.map((r) => r.text())).toEqual(answers.map((a) => a.text()));
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
    expect(JSON.parse(hello.text()).metadata.team_id).toBe("demo");
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
    expect(replayed.text()).toBe(live.text());
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
            ? upstreamResponse(
                500,
                {},
                '{"error": "Bedrock error: ThrottlingException: Too many tokens, please wait before trying again."}',
              )
            : upstreamResponse(
                200,
                {},
                '{"content":[],"usage":{"input_tokens":1,"output_tokens":0,"total_tokens":1}}',
              ),
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
            ? upstreamResponse(504, {}, '{"message": "Endpoint request timed out"}')
            : upstreamResponse(200, {}, "{}"),
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

/** An upstream answering `status` for the calls `refuse` picks, a fakeUpstream answer otherwise. */
function refusing(status: number, refuse: (context: InvokeContext, call: number) => boolean) {
  const answers = fakeUpstream();
  const bodies: Record<number, string> = {
    401: '{"error": "Unauthorized: invalid team_id or api_token"}',
    403: '{"error": "Model not allowed: us.anthropic.claude-3-haiku-20240307-v1:0"}',
    429: '{"error": "Budget exhausted: Quota exceeded for this team"}',
  };
  let calls = 0;
  return {
    get calls() {
      return calls;
    },
    invoke(request: InvokeRequest, context: InvokeContext): Promise<UpstreamResponse> {
      calls++;
      if (refuse(context, calls)) {
        return Promise.resolve(
          upstreamResponse(status, { "content-type": "application/json" }, bodies[status] ?? "{}"),
        );
      }
      return answers.invoke(request, context);
    },
    close: () => Promise.resolve(),
  };
}

function entriesIn(dir: string, name = "default"): number {
  const file = join(dir, `${name}.yaml`);
  return existsSync(file) ? readFileSync(file, "utf8").split(/^---$/m).length - 1 : 0;
}

describe("withCassettes: answers that depend on the caller are never stored", () => {
  it.each([401, 403, 429])(
    "auto passes a %i through unrecorded, so the next caller's request reaches the upstream",
    async (status) => {
      const dir = tempDir();
      const upstream = refusing(status, (context) => context.credentials?.apiToken === "wrong");
      const auto = withCassettes(upstream, cassetteOptions(dir, "auto"));
      expect((await auto.invoke(ask("hi"), ctx("team_alpha_2025", "wrong"))).status).toBe(status);
      const right = await auto.invoke(ask("hi"), ctx("team_alpha_2025", "right"));
      expect(right.status).toBe(200);
      expect(upstream.calls).toBe(2);
      await auto.close();
      expect(entriesIn(dir)).toBe(1);
    },
  );

  it.each([401, 403, 429])("record does not store a %i either", async (status) => {
    const dir = tempDir();
    const upstream = refusing(status, (_context, call) => call === 1);
    const recorder = withCassettes(upstream, cassetteOptions(dir, "record"));
    expect((await recorder.invoke(ask("hi"), ctx())).status).toBe(status);
    expect((await recorder.invoke(ask("hi"), ctx())).status).toBe(200);
    await recorder.close();
    expect(entriesIn(dir)).toBe(1);
    const player = withCassettes(fakeUpstream(), cassetteOptions(dir, "replay"));
    expect((await player.invoke(ask("hi"), ctx())).status).toBe(200);
  });
});

describe("withCassettes: callers without credentials", () => {
  const UNAUTHORIZED = '{"error":"Unauthorized: invalid team_id or api_token"}';

  it.each(["replay", "auto"] as const)(
    "%s answers the proxy's 401 instead of a recording, without the upstream",
    async (mode) => {
      const dir = tempDir();
      const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
      await recorder.invoke(ask("hi"), ctx());
      await recorder.close();
      const inner = fakeUpstream();
      const client = withCassettes(inner, cassetteOptions(dir, mode));
      const answer = await client.invoke(ask("hi"), { credentials: undefined, requestId: "req_anon" });
      expect(answer.status).toBe(401);
      expect(answer.headers["content-type"]).toBe("application/json");
      expect(answer.text()).toBe(UNAUTHORIZED);
      expect(answer.text()).not.toContain("<team_id>");
      expect(inner.calls).toBe(0);
      // A caller with credentials still gets the recording, with its own team id.
      const replayed = await client.invoke(ask("hi"), ctx("team_gamma"));
      expect(JSON.parse(replayed.text()).metadata.team_id).toBe("team_gamma");
    },
  );
});

describe("withCassettes: open cassettes are bounded", () => {
  async function recordOne(dir: string, name: string, text: string): Promise<string> {
    const recorder = withCassettes(fakeUpstream(), cassetteOptions(dir, "record"));
    const answer = await recorder.invoke(ask(text), ctx("t", "k", { cassette: name }));
    await recorder.close();
    return answer.text();
  }

  it("replay does not keep a store for a cassette that does not exist yet", async () => {
    const dir = tempDir();
    const player = withCassettes(fakeUpstream(), cassetteOptions(dir, "replay"));
    expect((await rejection(player.invoke(ask("x"), ctx("t", "k", { cassette: "later" })))).code).toBe(
      "cassette_miss",
    );
    const body = await recordOne(dir, "later", "x");
    expect((await player.invoke(ask("x"), ctx("t", "k", { cassette: "later" }))).text()).toBe(body);
  });

  it("closes the least recently used cassette past the limit and reloads it when used again", async () => {
    const dir = tempDir();
    for (const name of ["a", "b", "c"]) await recordOne(dir, name, "x");
    const player = withCassettes(fakeUpstream(), {
      ...cassetteOptions(dir, "replay"),
      maxOpenCassettes: 2,
    });
    await player.invoke(ask("x"), ctx("t", "k", { cassette: "a" }));
    // "a" changes on disk; while it is open the player keeps serving what it loaded.
    const refreshed = await recordOne(dir, "a", "y");
    await rejection(player.invoke(ask("y"), ctx("t", "k", { cassette: "a" })));
    await player.invoke(ask("x"), ctx("t", "k", { cassette: "b" }));
    await player.invoke(ask("x"), ctx("t", "k", { cassette: "c" }));
    // Three cassettes used, two kept: "a" was closed, so it is read again.
    expect((await player.invoke(ask("y"), ctx("t", "k", { cassette: "a" }))).text()).toBe(refreshed);
  });

  it("never closes a cassette with a request or a write in flight, so no recording is lost", async () => {
    const dir = tempDir();
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const answers = fakeUpstream();
    const slow = {
      invoke: async (request: InvokeRequest, context: InvokeContext) => {
        if (String(request.messages[0]?.content).startsWith("slow")) await gate;
        return answers.invoke(request, context);
      },
      close: () => Promise.resolve(),
    };
    const recorder = withCassettes(slow, { ...cassetteOptions(dir, "record"), maxOpenCassettes: 1 });
    const waiting = Promise.all(
      [0, 1, 2].map((i) => recorder.invoke(ask(`slow ${i}`), ctx("t", "k", { cassette: "slow" }))),
    );
    for (let i = 0; i < 20; i++)
      await recorder.invoke(ask(`q${i}`), ctx("t", "k", { cassette: `n${i % 4}` }));
    // Meanwhile another request records into the same cassette: it must share the store in use.
    await recorder.invoke(ask("fast"), ctx("t", "k", { cassette: "slow" }));
    open();
    await waiting;
    await recorder.close();
    expect(entriesIn(dir, "slow")).toBe(4);
    expect([0, 1, 2, 3].map((i) => entriesIn(dir, `n${i}`))).toEqual([5, 5, 5, 5]);
  });
});

describe("withCassettes: identical misses in auto", () => {
  it("share one upstream call and one recording", async () => {
    const dir = tempDir();
    const prompts = 50;
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const answers = fakeUpstream();
    let calls = 0;
    const slow = {
      invoke: async (request: InvokeRequest, context: InvokeContext) => {
        if (++calls === prompts) open();
        await gate;
        return answers.invoke(request, context);
      },
      close: () => Promise.resolve(),
    };
    const auto = withCassettes(slow, cassetteOptions(dir, "auto"));
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        auto.invoke(ask(`prompt ${i % prompts}`), ctx(i % 2 === 0 ? "team_even" : "team_odd")),
      ),
    );
    await auto.close();
    expect(calls).toBe(prompts);
    expect(entriesIn(dir)).toBe(prompts);
    results.forEach((result, i) => {
      const body = JSON.parse(result.text());
      expect(result.status).toBe(200);
      expect(body.content[0].text).toContain(`to: prompt ${i % prompts}\n`);
      expect(body.metadata.team_id).toBe(i % 2 === 0 ? "team_even" : "team_odd");
    });
  });

  it("when the shared call records nothing, the next identical miss asks the upstream itself", async () => {
    const dir = tempDir();
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const upstream = refusing(401, (context) => context.credentials?.apiToken === "wrong");
    const gated = {
      invoke: async (request: InvokeRequest, context: InvokeContext) => {
        await gate;
        return upstream.invoke(request, context);
      },
      close: () => Promise.resolve(),
    };
    const auto = withCassettes(gated, cassetteOptions(dir, "auto"));
    const wrong = auto.invoke(ask("hi"), ctx("t", "wrong"));
    const right = auto.invoke(ask("hi"), ctx("t", "right"));
    open();
    expect((await wrong).status).toBe(401);
    expect((await right).status).toBe(200);
    expect(upstream.calls).toBe(2);
  });
});

describe("withCassettes: messages name no absolute paths", () => {
  it("a miss names the cassette under its directory, not the absolute file", async () => {
    const dir = tempDir();
    await withCassettes(fakeUpstream(), cassetteOptions(dir, "record")).invoke(
      ask("x"),
      ctx("t", "k", { cassette: "suite/geo" }),
    );
    const error = await rejection(
      withCassettes(fakeUpstream(), cassetteOptions(dir, "replay")).invoke(
        ask("y"),
        ctx("t", "k", { cassette: "suite/geo" }),
      ),
    );
    expect(error.message).toContain(`(${basename(dir)}/suite/geo.yaml)`);
    expect(error.message).not.toContain(dir);
  });

  it("a relative recording.dir is shown as configured", async () => {
    const error = await rejection(
      withCassettes(fakeUpstream(), cassetteOptions("fixtures/none-such", "replay")).invoke(ask("x"), ctx()),
    );
    expect(error.message).toContain("(fixtures/none-such/default.yaml)");
  });

  it("unreadable and invalid files are named without the absolute path", async () => {
    const dir = tempDir();
    mkdirSync(join(dir, "folder.yaml"));
    writeFileSync(join(dir, "bad.yaml"), "hello: world\n");
    for (const cassette of ["folder", "bad"]) {
      const error = await rejection(
        withCassettes(fakeUpstream(), cassetteOptions(dir, "replay")).invoke(
          ask("x"),
          ctx("t", "k", { cassette }),
        ),
      );
      expect(error.message).toContain(`${basename(dir)}/${cassette}.yaml`);
      expect(error.message).not.toContain(dir);
    }
  });
});
