// A stand-in for the real Bedrock Proxy API: POST /prod/invoke answers a canned PROXY.md-shaped body
// (content, usage, metadata with remaining_quota) echoing the requested model. Used by the live
// scenario, so the figure is the gateway's own translation hop, not a network.
import { createServer } from "node:http";
import { proxyResponseJson } from "../lib/payloads.ts";
import { listenAndAnnounce, readBody } from "./listen.ts";

const cache = new Map<string, Buffer>();
const MAX_CACHED_MODELS = 64;

function answerFor(model: string): Buffer {
  let body = cache.get(model);
  if (body === undefined) {
    body = Buffer.from(proxyResponseJson(model));
    if (cache.size < MAX_CACHED_MODELS) cache.set(model, body);
  }
  return body;
}

const server = createServer((req, res) => {
  readBody(req).then(
    (text) => {
      let model = "unknown";
      try {
        const parsed = JSON.parse(text) as { model?: unknown };
        if (typeof parsed.model === "string") model = parsed.model.slice(0, 200);
      } catch {
        res
          .writeHead(400, { "content-type": "application/json" })
          .end('{"error":"Malformed request","message":"Malformed request"}');
        return;
      }
      if (req.method !== "POST" || !(req.url ?? "").endsWith("/invoke")) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"message":"Not Found"}');
        return;
      }
      const body = answerFor(model);
      res
        .writeHead(200, {
          "content-type": "application/json",
          "content-length": String(body.length),
          "access-control-allow-origin": "*",
        })
        .end(body);
    },
    () => {
      if (!res.headersSent)
        res
          .writeHead(413, { "content-type": "application/json" })
          .end('{"message":"Request Entity Too Large"}');
    },
  );
});

await listenAndAnnounce(server, "fake-proxy");
