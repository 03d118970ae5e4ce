// Baseline E: the floor of any Express-based translating gateway. Express 5 parses the body, we
// re-serialise it and forward it over an undici keep-alive pool to baseline A (URL in BENCH_A_URL),
// parse A's answer and re-serialise it to the client. No translation, no validation, no logging.
import { createServer } from "node:http";
import express from "express";
import { Pool } from "undici";
import { listenAndAnnounce } from "./listen.ts";

const target = process.env.BENCH_A_URL;
if (target === undefined || !target.startsWith("http://127.0.0.1:"))
  throw new Error("BENCH_A_URL must be http://127.0.0.1:<port>");
const pool = new Pool(target, { connections: 128, keepAliveTimeout: 60_000 });

const app = express();
app.disable("x-powered-by");
app.set("etag", false);
app.use(express.json({ limit: "6mb" }));
app.post("/{*any}", async (req, res, next) => {
  try {
    const upstream = await pool.request({
      method: "POST",
      path: req.path,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(req.body),
    });
    const answer: unknown = await upstream.body.json();
    res.status(upstream.statusCode).json(answer);
  } catch (error) {
    next(error);
  }
});

await listenAndAnnounce(createServer(app), "baseline-e");
