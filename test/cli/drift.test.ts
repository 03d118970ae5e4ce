// `bpg cassettes drift`: on the simulator it finds a changed tool name and ignores changed prose; live it
// prints the cost and sends nothing without a confirmation.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import { parseAllDocuments, type Document } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliIo } from "../../src/cli/program.ts";
import { tempDir } from "../helpers/cassettes.ts";
import { startTestGateway } from "../helpers/gateway.ts";

async function cli(args: string[], env: Record<string, string> = {}, confirm?: CliIo["confirm"]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    ...(confirm === undefined ? {} : { confirm }),
  };
  const code = await runCli(["node", "bpg", ...args], env, io);
  return { code, out, err };
}

let dir: string;

beforeAll(async () => {
  dir = tempDir();
  const gw = await startTestGateway({ mode: "record", upstream: { kind: "mock" }, recording: { dir } });
  try {
    const sdk = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "demo:demo-token", maxRetries: 0 });
    await sdk.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "What is the weather in Paris?" }],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            parameters: { type: "object", properties: { city: { type: "string" } } },
          },
        },
      ],
      tool_choice: "required",
    });
    await sdk.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "Say something about the sea." }],
    });
  } finally {
    await gw.close();
  }
});

/** Edit the recorded answers (never the requests) of the default cassette, document by document. */
function editResponses(edit: (entry: Document, index: number) => void): void {
  const file = join(dir, "default.yaml");
  const [header, ...entries] = parseAllDocuments(readFileSync(file, "utf8"));
  entries.forEach((entry, i) => edit(entry as Document, i));
  writeFileSync(file, [header, ...entries].map((d) => String(d)).join(""));
}

describe("bpg cassettes drift", () => {
  it("finds no drift in a fresh recording", async () => {
    const { code, out } = await cli(["cassettes", "--cassette-dir", dir, "drift"]);
    expect(out.at(-1)).toBe("No drift: all 2 answers have their recorded shape.");
    expect(code).toBe(0);
  });

  it("reports a changed tool name and ignores changed prose", async () => {
    editResponses((entry, i) =>
      i === 0
        ? entry.setIn(["response", "json", "content", 0, "name"], "get_forecast")
        : entry.setIn(["response", "json", "content", 0, "text"], "Entirely different prose, same shape."),
    );
    const { code, out } = await cli(["cassettes", "--cassette-dir", dir, "drift", "--upstream", "mock"]);
    expect(out[0]).toMatch(
      /^Re-sending 2 recorded requests to the simulator \(no cost; it would be about \$0\.\d+ live\)\.$/,
    );
    expect(out.slice(1)).toEqual([
      "default entry 1 (us.anthropic.claude-haiku-4-5-20251001-v1:0):",
      "  tools: get_weather (recorded: get_forecast)",
      "1 of 2 answers changed shape: record them again (--mode record) and review the tests that use them.",
    ]);
    expect(code).toBe(1);
  });

  it("live: prints the cost and sends nothing unless confirmed", async () => {
    const env = {
      BEDROCK_TEAM_ID: "t",
      BEDROCK_API_TOKEN: "secret",
      BEDROCK_API_ENDPOINT: "http://127.0.0.1:9/prod/invoke",
    };
    const asked: string[] = [];
    const { code, out } = await cli(
      ["cassettes", "--cassette-dir", dir, "drift", "--upstream", "live"],
      env,
      (q) => {
        asked.push(q);
        return Promise.resolve(false);
      },
    );
    expect(out[0]).toMatch(/^Re-sending 2 recorded requests to the live proxy costs about \$0\.\d+/);
    expect(asked).toEqual(["Spend it? [y/N] "]);
    expect(out[1]).toBe("Nothing sent (confirm at the prompt, or pass --yes).");
    expect(code).toBe(1);
  });
});
