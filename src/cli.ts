#!/usr/bin/env node
// Process entry for `bedrock-proxy-gateway` / `bpg`: parse flags, load config, serve, and drain on
// SIGINT/SIGTERM. The only module that touches process.argv, process.env and process.exit.
import { runCli } from "./cli/program.ts";

process.exitCode = await runCli(process.argv, process.env);
