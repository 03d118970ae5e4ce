// `bpg cassettes list|show|verify|cost`: look after recorded cassettes without starting the gateway.
import { resolve } from "node:path";
import type { Command } from "commander";
import { loadConfig, type Env } from "../config/load.ts";
import type { Config } from "../config/types.ts";
import { llmCost } from "../accounting/pricing.ts";
import { matchRules } from "../cassettes/canonical.ts";
import type { CassetteEntry } from "../cassettes/format.ts";
import {
  fileMatchRules,
  inspectCassette,
  listCassettes,
  recordedUsage,
  type CassetteReport,
} from "../cassettes/inspect.ts";
import { checkCassetteName } from "../cassettes/names.ts";
import { CassetteStore } from "../cassettes/store.ts";
import { findModel } from "../models/catalog.ts";
import { systemClock } from "../shared/clock.ts";
import { PACKAGE_NAME, VERSION } from "../shared/version.ts";
import type { UnusedRecordings } from "../cassettes/unused.ts";
import { addClientOptions, call, type ClientFlags } from "./client.ts";
import type { CliIo } from "./program.ts";
import { formatTable } from "./table.ts";

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

interface Flags {
  config?: string;
  cassetteDir?: string;
}

function recordingConfig(env: Env, flags: Flags): Config["recording"] {
  const overrides = flags.cassetteDir === undefined ? {} : { recording: { dir: flags.cassetteDir } };
  return loadConfig({ file: flags.config, env, overrides }).config.recording;
}

async function reports(recording: Config["recording"], names: readonly string[]): Promise<CassetteReport[]> {
  const rules = matchRules(recording.ignore_fields);
  const chosen =
    names.length > 0 ? names.map((n) => checkCassetteName(n, "NAME")) : await listCassettes(recording.dir);
  return Promise.all(chosen.map((name) => inspectCassette(recording.dir, name, rules)));
}

function kilobytes(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}

/** The last user turn of a stored request, on one short line. */
function summary(entry: CassetteEntry): string {
  const messages = Array.isArray(entry.request.messages)
    ? (entry.request.messages as Array<{ role?: unknown; content?: unknown }>)
    : [];
  const last = messages.at(-1);
  const content = last?.content;
  const text =
    typeof content === "string"
      ? content
      : Array.isArray(content)
        ? content
            .map((b: { type?: unknown; text?: unknown }) =>
              typeof b.text === "string" ? b.text : `[${String(b.type)}]`,
            )
            .join(" ")
        : "";
  const line = `${String(last?.role ?? "?")}: ${text}`.replace(/\s+/g, " ");
  return line.length > 60 ? `${line.slice(0, 59)}…` : line;
}

function list(all: CassetteReport[], dir: string, io: CliIo): number {
  if (all.length === 0) {
    io.out(`No cassettes yet in ${resolve(dir)}. Record some with: bpg --mode record (or --mode auto).`);
    return 0;
  }
  const rows = all.map((r) => [
    r.name,
    String(r.entries.length),
    String(r.entries.filter((e) => e.response.status >= 400).length),
    String(new Set(r.entries.map((e) => String(e.request.model))).size),
    r.header?.updated ?? "-",
    kilobytes(r.bytes),
    r.problems.length === 0 ? "ok" : `${r.problems.length} problem(s)`,
  ]);
  const right = { align: "right" } as const;
  formatTable(
    [
      { title: "CASSETTE" },
      { title: "ENTRIES", ...right },
      { title: "ERRORS", ...right },
      { title: "MODELS", ...right },
      { title: "UPDATED" },
      { title: "SIZE", ...right },
      { title: "STATUS" },
    ],
    rows,
  ).forEach((line) => io.out(line));
  return 0;
}

function show(report: CassetteReport, io: CliIo): number {
  const h = report.header;
  if (h === undefined && report.entries.length === 0) {
    // Nothing readable (no such file, not a cassette): the reason alone, no empty table.
    report.problems.forEach((p) => io.err(`bpg: ${p}`));
    return 1;
  }
  io.out(`cassette ${report.name}: ${report.file}`);
  if (h !== undefined)
    io.out(
      `format version ${h.version}, created ${h.created}, updated ${h.updated}, by ${h.creator}; ${plural(report.entries.length, "entry", "entries")}`,
    );
  const rows = report.entries.map((e, i) => [
    String(i + 1),
    String(e.response.status),
    String(e.request.model),
    `${Math.round(e.latency_ms)} ms`,
    e.recorded_at,
    summary(e),
    e.key.slice(7, 19),
  ]);
  formatTable(
    [
      { title: "#", align: "right" },
      { title: "STATUS" },
      { title: "MODEL" },
      { title: "LATENCY", align: "right" },
      { title: "RECORDED" },
      { title: "REQUEST" },
      { title: "KEY" },
    ],
    rows,
  ).forEach((line) => io.out(line));
  report.problems.forEach((p) => io.err(`problem: ${p}`));
  return report.problems.length === 0 ? 0 : 1;
}

async function verify(
  all: CassetteReport[],
  recording: Config["recording"],
  fix: boolean,
  io: CliIo,
): Promise<number> {
  let failed = 0;
  for (const report of all) {
    if (
      fix &&
      report.header !== undefined &&
      report.problems.length > 0 &&
      report.problems.every((p) => p.includes("its key does not match"))
    ) {
      // Re-hashed under the file's own rules: --fix mends hand edits, it does not migrate the cassette
      // to whatever ignore_fields this config has.
      const store = await CassetteStore.open({
        name: report.name,
        file: report.file,
        rules: fileMatchRules(report.header) ?? matchRules(recording.ignore_fields),
        clock: systemClock,
        creator: `${PACKAGE_NAME} ${VERSION}`,
        rehash: true,
      });
      try {
        await store.persist();
      } finally {
        await store.close();
      }
      io.out(`fixed ${report.name}: ${report.problems.length} key(s) re-hashed`);
      continue;
    }
    if (report.problems.length === 0) {
      io.out(`ok    ${report.name} (${plural(report.entries.length, "entry", "entries")})`);
    } else {
      failed++;
      io.out(`FAIL  ${report.name}`);
      report.problems.forEach((p) => io.out(`      ${p}`));
    }
  }
  io.out(`${all.length} cassette(s) checked, ${failed} with problems.`);
  return failed === 0 ? 0 : 1;
}

function cost(all: CassetteReport[], io: CliIo): number {
  const byModel = new Map<
    string,
    { calls: number; input: number; output: number; usd: number | undefined }
  >();
  for (const entry of all.flatMap((r) => r.entries)) {
    const usage = recordedUsage(entry);
    if (usage === undefined) continue;
    const id = String(entry.request.model);
    const model = findModel(id);
    const row = byModel.get(id) ?? { calls: 0, input: 0, output: 0, usd: 0 };
    row.calls++;
    row.input += usage.input;
    row.output += usage.output;
    row.usd =
      model === undefined || row.usd === undefined
        ? undefined
        : row.usd + llmCost(model, usage.input, usage.output);
    byModel.set(id, row);
  }
  if (byModel.size === 0) {
    io.out("No successful recorded calls: replaying costs nothing, and so would the live calls.");
    return 0;
  }
  const money = (usd: number | undefined): string => (usd === undefined ? "unpriced" : `$${usd.toFixed(6)}`);
  const rows = [...byModel.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([id, r]) => [id, String(r.calls), String(r.input), String(r.output), money(r.usd)]);
  const totals = [...byModel.values()].reduce<{ calls: number; input: number; output: number; usd: number }>(
    (t, r) => ({
      calls: t.calls + r.calls,
      input: t.input + r.input,
      output: t.output + r.output,
      usd: t.usd + (r.usd ?? 0),
    }),
    { calls: 0, input: 0, output: 0, usd: 0 },
  );
  rows.push(["TOTAL", String(totals.calls), String(totals.input), String(totals.output), money(totals.usd)]);
  const right = { align: "right" } as const;
  formatTable(
    [
      { title: "MODEL" },
      { title: "CALLS", ...right },
      { title: "INPUT TOKENS", ...right },
      { title: "OUTPUT TOKENS", ...right },
      { title: "LIVE COST", ...right },
    ],
    rows,
  ).forEach((line) => io.out(line));
  io.out(
    `Replaying ${all.length === 1 ? "this cassette" : `these ${all.length} cassettes`} costs $0; running the same calls live would cost about ${money(totals.usd)} (list prices).`,
  );
  return 0;
}

export function addCassetteCommands(
  program: Command,
  env: Env,
  io: CliIo,
  onExit: (code: number) => void,
): Command {
  const cassettes = program
    .command("cassettes")
    .description("inspect recorded cassettes: list | show NAME | verify | cost | unused | drift")
    .option("-c, --config <file>", "config file (default: ./config.yaml, or $BPG_CONFIG)")
    .option("--cassette-dir <dir>", "where cassettes live (default: recording.dir)");
  const flags = (): Flags => cassettes.opts<Flags>();

  cassettes
    .command("list")
    .description("every cassette with its entry and error counts")
    .action(async () => {
      const recording = recordingConfig(env, flags());
      onExit(list(await reports(recording, []), recording.dir, io));
    });
  cassettes
    .command("show <name>")
    .description("the entries of one cassette")
    .action(async (name: string) => {
      const recording = recordingConfig(env, flags());
      const [report] = await reports(recording, [name]);
      onExit(report === undefined ? 1 : show(report, io));
    });
  cassettes
    .command("verify [names...]")
    .description("check every cassette loads and every key re-hashes to its request (exit 1 if not)")
    .option("--fix", "rewrite stale keys (after hand edits or an ignore_fields change)")
    .action(async (names: string[], options: { fix?: boolean }) => {
      const recording = recordingConfig(env, flags());
      onExit(await verify(await reports(recording, names), recording, options.fix === true, io));
    });
  cassettes
    .command("cost [names...]")
    .description("what replaying the cassettes would have cost live, per model (recorded usage × list price)")
    .action(async (names: string[]) => {
      const recording = recordingConfig(env, flags());
      onExit(cost(await reports(recording, names), io));
    });
  addClientOptions(
    cassettes
      .command("unused")
      .description("the recordings no request used so far, asked of a running replay/auto gateway"),
  ).action(async (options: ClientFlags) => {
    const report = (await call(options, env, "GET", "/admin/cassettes/unused")) as UnusedRecordings;
    if (report.total_unused === 0) io.out("Every recording was used.");
    for (const c of report.cassettes) {
      io.out(
        `${c.cassette}: ${plural(c.unused.length, "recording", "recordings")} of ${c.recordings} unused`,
      );
      for (const u of c.unused) io.out(`  entry ${u.entry}  ${u.model ?? "?"}  ${u.key}`);
    }
    onExit(0);
  });
  return cassettes;
}
