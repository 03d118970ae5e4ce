#!/usr/bin/env node
// Process entry for `bedrock-proxy-gateway` / `bpg`: parse flags, load config, serve, and drain on
// SIGINT/SIGTERM. The only module that touches process.argv, process.env and process.exit.
import { holdYoungGeneration } from "./cli/heap.ts";

// Before the rest is loaded, which alone would grow the young generation to 16 MiB (cli/heap.ts).
holdYoungGeneration(process.execArgv, process.env.NODE_OPTIONS);
const { runCli } = await import("./cli/program.ts");

// Exit explicitly: a cassette or state write left behind at shutdown (a disk that stopped answering,
// see server/gateway.ts) would otherwise keep the process alive after it said "stopped".
process.exit(await runCli(process.argv, process.env));
