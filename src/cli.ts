#!/usr/bin/env -S node --max-semi-space-size=8
// Process entry for `bedrock-proxy-gateway` / `bpg`: parse flags, load config, serve, and drain on
// SIGINT/SIGTERM. The only module that touches process.argv, process.env and process.exit.
// The young generation is sized where the process starts (this shebang, the npm scripts, the bench):
// V8 would grow its semi-spaces to 64 MiB on a large machine (+100 MiB RSS under load) with no
// throughput gained past 8 MiB (bench/README.md); a user's own NODE_OPTIONS still wins.
import { runCli } from "./cli/program.ts";

// Exit explicitly: a cassette or state write left behind at shutdown (a disk that stopped answering,
// see server/gateway.ts) would otherwise keep the process alive after it said "stopped".
process.exit(await runCli(process.argv, process.env));
