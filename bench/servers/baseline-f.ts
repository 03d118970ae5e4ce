// Baseline F: the floor of a translating hop on this machine — node:http in, undici out, no framework,
// no validation, no logging. Reads the chat request, sends the fake proxy (BENCH_PROXY_URL) an invoke body
// built from it, turns the answer's text and usage into a chat.completion. What the live scenario costs
// beyond F is the gateway's own work (parsing, translation both ways, bookkeeping); what F costs beyond A
// is the second HTTP exchange itself.
import { createServer } from "node:http";
import { Pool } from "undici";
import { listenAndAnnounce, readBody } from "./listen.ts";

const target = process.env.BENCH_PROXY_URL;
if (target === undefined || !target.startsWith("http://127.0.0.1:"))
  throw new Error("BENCH_PROXY_URL must be http://127.0.0.1:<port>");
const pool = new Pool(target, { connections: 128, keepAliveTimeout: 60_000 });

interface Chat {
  model?: string;
  messages?: unknown;
  max_tokens?: number;
}
interface Answer {
  content?: Array<{ text?: string }>;
  usage?: { input_tokens?: number; output_tokens?: number };
}

const server = createServer((req, res) => {
  readBody(req)
    .then(async (text) => {
      const chat = JSON.parse(text) as Chat;
      const upstream = await pool.request({
        method: "POST",
        path: "/prod/invoke",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          team_id: "bench",
          api_token: "bench",
          model: "us.anthropic.claude-3-haiku-20240307-v1:0",
          messages: chat.messages,
          max_tokens: chat.max_tokens ?? 1024,
        }),
      });
      const answer = (await upstream.body.json()) as Answer;
      const input = answer.usage?.input_tokens ?? 0;
      const output = answer.usage?.output_tokens ?? 0;
      const body = JSON.stringify({
        id: "chatcmpl-f",
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: chat.model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: answer.content?.[0]?.text ?? "", refusal: null },
            logprobs: null,
            finish_reason: "stop",
          },
        ],
        usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output },
      });
      res.writeHead(upstream.statusCode, { "content-type": "application/json" }).end(body);
    })
    .catch(() => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }).end("{}");
    });
});

await listenAndAnnounce(server, "baseline-f");
