// Baseline A: the bare node:http floor. Reads and parses the JSON request body, answers a fixed
// ~600-byte chat.completion. Any gateway is measured as a fraction of this.
import { createServer } from "node:http";
import { COMPLETION_JSON } from "../lib/payloads.ts";
import { listenAndAnnounce, readBody } from "./listen.ts";

const body = Buffer.from(COMPLETION_JSON);
const headers = { "content-type": "application/json", "content-length": String(body.length) };

const server = createServer((req, res) => {
  readBody(req).then(
    (text) => {
      try {
        JSON.parse(text);
      } catch {
        res.writeHead(400, { "content-type": "application/json" }).end('{"error":"bad json"}');
        return;
      }
      res.writeHead(200, headers).end(body);
    },
    () => {
      if (!res.headersSent) res.writeHead(413).end();
    },
  );
});

await listenAndAnnounce(server, "baseline-a");
