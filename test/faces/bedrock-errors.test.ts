// Bedrock errors as the AWS SDK v3 raises them: each exception class by name and status, the request id,
// and how often the SDK tried ($metadata.attempts) — never a retry for an exhausted budget or a bad
// request. SigV4's access key id picks the simulated team.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  type ConverseCommandInput,
} from "@aws-sdk/client-bedrock-runtime";
import { EventStreamCodec } from "@smithy/core/event-streams";
import type { ServerResponse } from "node:http";
import { createServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { eventStreamWriter } from "../../src/faces/bedrock/eventstream.ts";
import type { Gateway } from "../../src/server/gateway.ts";
import { GatewayError } from "../../src/shared/errors.ts";
import { startTestGateway } from "../helpers/gateway.ts";

const HAIKU = "us.anthropic.claude-3-haiku-20240307-v1:0";
const NOVA = "us.amazon.nova-lite-v1:0";
const hello: Omit<ConverseCommandInput, "modelId"> = {
  messages: [{ role: "user", content: [{ text: "Hello" }] }],
};

let gw: Gateway;
const clients: BedrockRuntimeClient[] = [];

function sdk(accessKeyId: string, options: { maxAttempts?: number; fault?: string; url?: string } = {}) {
  const client = new BedrockRuntimeClient({
    endpoint: options.url ?? gw.url,
    region: "us-east-1",
    credentials: { accessKeyId, secretAccessKey: "never-checked" },
    maxAttempts: options.maxAttempts ?? 3,
  });
  const fault = options.fault;
  if (fault !== undefined) {
    client.middlewareStack.add(
      (next) => (args) => {
        (args.request as { headers: Record<string, string> }).headers["x-mock-fault"] = fault;
        return next(args);
      },
      { step: "build", name: "mockFault" },
    );
  }
  clients.push(client);
  return client;
}

beforeAll(async () => {
  gw = await startTestGateway({
    mode: "mock",
    upstream: { retries: 0 },
    mock: {
      teams: [
        { team_id: "demo", api_token: "demo-token", budget_limit: 50 },
        { team_id: "broke", api_token: "broke-token", budget_limit: 0 },
        { team_id: "nova-only", api_token: "n-token", budget_limit: 50, allowed_models: [NOVA] },
      ],
    },
  });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await gw.close();
});

async function failure(promise: Promise<unknown>): Promise<{
  name: string;
  message: string;
  $metadata: { httpStatusCode?: number; attempts?: number; requestId?: string };
}> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as never;
}

describe("each error as the SDK's exception", () => {
  test("unknown model → ValidationException 400, not retried", async () => {
    const e = await failure(
      sdk("demo").send(new ConverseCommand({ modelId: "us.acme.nothing-v1:0", ...hello })),
    );
    expect(e.name).toBe("ValidationException");
    expect(e.message).toBe("The provided model identifier is invalid.");
    expect(e.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1 });
    expect(e.$metadata.requestId).toBeTruthy();
  });

  test("exhausted budget → ServiceQuotaExceededException 400, not retried", async () => {
    const e = await failure(sdk("broke").send(new ConverseCommand({ modelId: HAIKU, ...hello })));
    expect(e.name).toBe("ServiceQuotaExceededException");
    expect(e.$metadata).toMatchObject({ httpStatusCode: 400, attempts: 1 });
  });

  test("the access key id picks the team: a model outside its allow-list → AccessDeniedException 403", async () => {
    const locked = sdk("nova-only");
    const e = await failure(locked.send(new ConverseCommand({ modelId: HAIKU, ...hello })));
    expect(e.name).toBe("AccessDeniedException");
    expect(e.$metadata).toMatchObject({ httpStatusCode: 403, attempts: 1 });
    const ok = await locked.send(new ConverseCommand({ modelId: NOVA, ...hello }));
    expect(ok.stopReason).toBe("end_turn");
    // Any other access key id is the first team, which may use every model.
    expect(
      (await sdk("AKIAANYTHING").send(new ConverseCommand({ modelId: HAIKU, ...hello }))).stopReason,
    ).toBe("end_turn");
  });

  test("throttling → ThrottlingException 429, retried by the SDK", async () => {
    const e = await failure(
      sdk("demo", { maxAttempts: 2, fault: "throttle" }).send(
        new ConverseCommand({ modelId: HAIKU, ...hello }),
      ),
    );
    expect(e.name).toBe("ThrottlingException");
    expect(e.$metadata).toMatchObject({ httpStatusCode: 429, attempts: 2 });
  });

  test("upstream timeout → ModelTimeoutException 408", async () => {
    const e = await failure(
      sdk("demo", { maxAttempts: 1, fault: "timeout" }).send(
        new ConverseCommand({ modelId: HAIKU, ...hello }),
      ),
    );
    expect(e.name).toBe("ModelTimeoutException");
    expect(e.$metadata).toMatchObject({ httpStatusCode: 408, attempts: 1 });
  });

  test("Bedrock's internal error → InternalServerException 500", async () => {
    const e = await failure(
      sdk("demo", { maxAttempts: 1, fault: "500" }).send(new ConverseCommand({ modelId: HAIKU, ...hello })),
    );
    expect(e.name).toBe("InternalServerException");
    expect(e.$metadata).toMatchObject({ httpStatusCode: 500, attempts: 1 });
  });

  test("a stream refused before its first byte is the same exception", async () => {
    const e = await failure(sdk("broke").send(new ConverseStreamCommand({ modelId: HAIKU, ...hello })));
    expect(e.name).toBe("ServiceQuotaExceededException");
    expect(e.$metadata.attempts).toBe(1);
  });

  test("a replay miss → ResourceNotFoundException 404", async () => {
    const dir = mkdtempSync(join(tmpdir(), "bpg-bedrock-"));
    const replay = await startTestGateway({ mode: "replay", upstream: { kind: "mock" }, recording: { dir } });
    try {
      const e = await failure(
        sdk("demo", { url: replay.url }).send(new ConverseCommand({ modelId: HAIKU, ...hello })),
      );
      expect(e.name).toBe("ResourceNotFoundException");
      expect(e.$metadata).toMatchObject({ httpStatusCode: 404, attempts: 1 });
    } finally {
      await replay.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const codec = new EventStreamCodec(
  (b) => new TextDecoder().decode(b),
  (s) => new TextEncoder().encode(s),
);

/** The messages of a whole stream body: each starts with its total length (big-endian, 4 bytes). */
function decodeAll(bytes: Uint8Array) {
  const out = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 0; at < bytes.length;) {
    const length = view.getUint32(at);
    out.push(codec.decode(bytes.subarray(at, at + length)));
    at += length;
  }
  return out;
}

describe("server.api_keys", () => {
  test("guards the Bedrock routes as /v1: no key → AccessDeniedException; the key as a Bearer token works", async () => {
    const guarded = await startTestGateway({ mode: "mock", server: { api_keys: ["gw-key"] } });
    try {
      const e = await failure(
        sdk("demo", { url: guarded.url }).send(new ConverseCommand({ modelId: HAIKU, ...hello })),
      );
      expect(e.name).toBe("AccessDeniedException");
      expect(e.$metadata).toMatchObject({ httpStatusCode: 403, attempts: 1 });
      const res = await fetch(`${guarded.url}/model/${encodeURIComponent(HAIKU)}/converse`, {
        method: "POST",
        headers: { authorization: "Bearer gw-key" },
        body: JSON.stringify(hello),
      });
      expect(res.status).toBe(200);
    } finally {
      await guarded.close();
    }
  });
});

describe("the wire", () => {
  test("AWS JSON error: {message} with x-amzn-ErrorType and x-amzn-RequestId", async () => {
    const res = await fetch(`${gw.url}/model/nope/converse`, { method: "POST", body: JSON.stringify(hello) });
    expect(res.status).toBe(400);
    expect(res.headers.get("x-amzn-errortype")).toBe("ValidationException");
    expect(res.headers.get("x-amzn-requestid")).toBe(res.headers.get("x-request-id"));
    expect(await res.json()).toEqual({ message: "The provided model identifier is invalid." });
  });

  test("an error after the first byte is an exception message the SDK raises as its class", async () => {
    const server = createServer((_req, res) => {
      // An HTTP/2 server, as the SDK's default client speaks it.
      const writer = eventStreamWriter(res as unknown as ServerResponse, "req-1", "converse");
      writer.open();
      void writer.send({ type: "messageStart", payload: { role: "assistant" } }).then(() =>
        writer.fail(
          new GatewayError("Too many tokens", {
            status: 429,
            type: "rate_limit_error",
            code: "rate_limit_exceeded",
          }),
        ),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const client = sdk("demo", { url: `http://127.0.0.1:${port}`, maxAttempts: 1 });
      const out = await client.send(new ConverseStreamCommand({ modelId: HAIKU, ...hello }));
      const seen: string[] = [];
      const e = await failure(
        (async () => {
          for await (const event of out.stream ?? []) seen.push(Object.keys(event)[0] ?? "");
        })(),
      );
      expect(seen).toEqual(["messageStart"]);
      expect(e.name).toBe("ThrottlingException");
      expect(e.message).toBe("Too many tokens");
    } finally {
      server.close();
    }
  });

  test("a stream is CRC-checked event-stream messages with the event type headers", async () => {
    const res = await fetch(`${gw.url}/model/${encodeURIComponent(HAIKU)}/converse-stream`, {
      method: "POST",
      body: JSON.stringify(hello),
    });
    expect(res.headers.get("content-type")).toBe("application/vnd.amazon.eventstream");
    const types: string[] = [];
    for (const message of decodeAll(new Uint8Array(await res.arrayBuffer()))) {
      expect(message.headers[":message-type"]?.value).toBe("event");
      expect(message.headers[":content-type"]?.value).toBe("application/json");
      types.push(String(message.headers[":event-type"]?.value));
    }
    expect(types[0]).toBe("messageStart");
    expect(types.at(-1)).toBe("metadata");
  });
});
