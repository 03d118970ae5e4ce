// A separate process that records or replays through withCassettes around the fake upstream.
//   node test/helpers/cassette-child.ts record|replay|auto DIR   → prints the answers as JSON
//   node test/helpers/cassette-child.ts loop DIR                 → records large answers until killed
import { withCassettes, type CassetteMode } from "../../src/cassettes/recorder.ts";
import type { UpstreamClient } from "../../src/upstream/types.ts";
import { ask, cassetteOptions, ctx } from "./cassettes.ts";
import { fakeUpstream } from "./fake-upstream.ts";
import { upstreamResponse } from "../../src/upstream/result.ts";

const [mode = "record", dir = "."] = process.argv.slice(2);

const SCRIPT = [
  ask("What is 2+2?"),
  ask("Weather in Paris?", {
    tools: [{ name: "get_weather", input_schema: { type: "object" } }],
    tool_choice: "auto",
  }),
  ask("Tell me more", { system: "Be brief.", temperature: 0.3, stop_sequences: ["END"] }),
  ask("boom"),
  ask("What is 2+2?"),
];

async function loop(): Promise<void> {
  const big = "x".repeat(64 * 1024);
  const upstream: UpstreamClient = {
    invoke: (request) =>
      Promise.resolve(
        upstreamResponse(
          200,
          {},
          JSON.stringify({
            content: [{ type: "text", text: `${big}\n${JSON.stringify(request.messages)}` }],
          }),
        ),
      ),
    close: () => Promise.resolve(),
  };
  const recorder = withCassettes(upstream, cassetteOptions(dir, "record"));
  for (let i = 0; i < 100_000; i++) {
    await recorder.invoke(ask(`loop ${i}`), ctx());
    process.stdout.write(`${i}\n`);
  }
}

async function script(): Promise<void> {
  const upstream = fakeUpstream();
  const client = withCassettes(upstream, cassetteOptions(dir, mode as CassetteMode));
  const answers = [];
  for (const request of SCRIPT) {
    const answer = await client.invoke(request, ctx());
    answers.push({ status: answer.status, body: answer.text() });
  }
  await client.close();
  process.stdout.write(JSON.stringify({ answers, upstreamCalls: upstream.calls }));
}

await (mode === "loop" ? loop() : script());
