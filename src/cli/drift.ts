// `bpg cassettes drift [names...] [--upstream mock|live] [--yes]`: re-send every recorded request and
// report the answers whose shape changed (cassettes/drift.ts) — a stale cassette tells the tests a
// story the upstream no longer does. Against the live proxy this spends real budget, so the cost of the
// calls (their recorded usage at list prices) is printed first and must be confirmed.
import type { Command } from "commander";
import { llmCost } from "../accounting/pricing.ts";
import { matchRules } from "../cassettes/canonical.ts";
import { shapeDifferences, shapeOf } from "../cassettes/drift.ts";
import type { CassetteEntry } from "../cassettes/format.ts";
import { inspectCassette, listCassettes } from "../cassettes/inspect.ts";
import { checkCassetteName } from "../cassettes/names.ts";
import { decodeResponse } from "../cassettes/responses.ts";
import { loadConfig, type Env } from "../config/load.ts";
import type { Config } from "../config/types.ts";
import { findModel } from "../models/catalog.ts";
import { createUpstream } from "../server/upstream.ts";
import { systemClock } from "../shared/clock.ts";
import { randomIds } from "../shared/ids.ts";
import { createLogger } from "../shared/logger.ts";
import { createMetrics } from "../shared/metrics.ts";
import type { Credentials, InvokeRequest } from "../upstream/types.ts";
import type { CliIo } from "./program.ts";

interface DriftFlags {
  upstream: string;
  yes?: boolean;
}

/** What re-sending an entry live would cost: its recorded usage at list price. */
function entryCost(entry: CassetteEntry): number {
  const json = entry.response.json as
    { usage?: { input_tokens?: unknown; output_tokens?: unknown } } | undefined;
  const model = findModel(String(entry.request.model));
  const input = json?.usage?.input_tokens;
  const output = json?.usage?.output_tokens;
  if (model === undefined || typeof input !== "number" || typeof output !== "number") return 0;
  return llmCost(model, input, output);
}

/** The credentials drift calls with: the configured live ones, or the simulator's first team. */
function credentialsFor(config: Readonly<Config>): Credentials | undefined {
  if (config.mode === "live") {
    const { team_id: teamId, api_token: apiToken } = config.upstream;
    return teamId === null || apiToken === null ? undefined : { teamId, apiToken, teamField: "team_id" };
  }
  const team = config.mock.teams[0];
  return team === undefined
    ? undefined
    : { teamId: team.team_id, apiToken: team.api_token, teamField: "team_id" };
}

export async function drift(
  base: Readonly<Config>,
  names: readonly string[],
  flags: DriftFlags,
  io: CliIo,
): Promise<number> {
  if (flags.upstream !== "mock" && flags.upstream !== "live") {
    io.err(`bpg: --upstream must be mock or live, not "${flags.upstream}".`);
    return 2;
  }
  const rules = matchRules(base.recording.ignore_fields);
  const chosen =
    names.length > 0
      ? names.map((n) => checkCassetteName(n, "NAME"))
      : await listCassettes(base.recording.dir);
  const cassettes = await Promise.all(chosen.map((name) => inspectCassette(base.recording.dir, name, rules)));
  const entries = cassettes.flatMap((c) =>
    c.entries.map((entry, i) => ({ cassette: c.name, entry, n: i + 1 })),
  );
  const usd = entries.reduce((sum, e) => sum + entryCost(e.entry), 0);
  // The simulator keeps its ledger in memory here: a drift check must not touch a gateway's state file.
  const config: Readonly<Config> = { ...base, mode: flags.upstream, mock: { ...base.mock, state: "memory" } };
  const credentials = credentialsFor(config);
  if (flags.upstream === "live") {
    io.out(
      `Re-sending ${entries.length} recorded requests to the live proxy costs about $${usd.toFixed(6)} (recorded usage × list price).`,
    );
    if (credentials === undefined) {
      io.err(
        "bpg: live drift needs upstream.team_id and upstream.api_token (BEDROCK_TEAM_ID, BEDROCK_API_TOKEN).",
      );
      return 2;
    }
    const go = flags.yes === true || (await (io.confirm?.("Spend it? [y/N] ") ?? Promise.resolve(false)));
    if (!go) {
      io.out("Nothing sent (confirm at the prompt, or pass --yes).");
      return 1;
    }
  } else {
    io.out(
      `Re-sending ${entries.length} recorded requests to the simulator (no cost; it would be about $${usd.toFixed(6)} live).`,
    );
  }

  const logger = createLogger("silent");
  const stack = createUpstream({
    config,
    clock: systemClock,
    ids: randomIds,
    logger,
    metrics: createMetrics(),
  });
  let drifted = 0;
  try {
    for (const { cassette, entry, n } of entries) {
      const request = entry.request as InvokeRequest;
      const fresh = await stack.upstream.invoke(request, { credentials, requestId: `drift-${n}` });
      const recorded = decodeResponse(entry.response, credentials?.teamId ?? "team");
      const differences = shapeDifferences(
        shapeOf(recorded.status, recorded.text(), entry.request),
        shapeOf(fresh.status, fresh.text(), entry.request),
      );
      if (differences.length === 0) continue;
      drifted++;
      io.out(`${cassette} entry ${n} (${String(entry.request.model)}):`);
      for (const d of differences)
        io.out(`  ${d.feature}: ${d.now ?? "(absent)"} (recorded: ${d.recorded ?? "(absent)"})`);
    }
  } finally {
    await stack.upstream.close();
  }
  io.out(
    drifted === 0
      ? `No drift: all ${entries.length} answers have their recorded shape.`
      : `${drifted} of ${entries.length} answers changed shape: record them again (--mode record) and review the tests that use them.`,
  );
  return drifted === 0 ? 0 : 1;
}

export function addDriftCommand(
  cassettes: Command,
  env: Env,
  io: CliIo,
  onExit: (code: number) => void,
): void {
  cassettes
    .command("drift [names...]")
    .description(
      "re-send recorded requests and report answers whose shape changed (keys, block types, tools, stop reasons)",
    )
    .option("--upstream <kind>", "mock (the simulator) or live (the real proxy: costs budget)", "mock")
    .option("-y, --yes", "do not ask before spending live budget")
    .action(async (names: string[], flags: DriftFlags) => {
      const parent = cassettes.opts<{ config?: string; cassetteDir?: string }>();
      const overrides = parent.cassetteDir === undefined ? {} : { recording: { dir: parent.cassetteDir } };
      const { config } = loadConfig({ file: parent.config, env, overrides });
      onExit(await drift(config, names, flags, io));
    });
}
