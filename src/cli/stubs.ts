// `bpg stubs list|add|remove|clear` and `bpg requests`: thin clients of a running gateway's agent-test
// controls (/admin/stubs, /admin/requests), for trying a stub by hand or reading what a test sent.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import type { Env } from "../config/load.ts";
import type { JournalEntry } from "../http/journal.ts";
import type { StubView } from "../upstream/stubs.ts";
import { CliRequestError, addClientOptions, call, type ClientFlags } from "./client.ts";
import { table } from "./table.ts";
import type { CliIo } from "./program.ts";

/** A stub given inline (`'{"reply": …}'`) or as `@file.json`. */
async function definition(arg: string): Promise<unknown> {
  let text = arg;
  if (arg.startsWith("@")) {
    try {
      text = await readFile(arg.slice(1), "utf8");
    } catch (error) {
      throw new CliRequestError(`cannot read ${arg.slice(1)}: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliRequestError(
      'the stub must be JSON (inline, or @file.json), e.g. \'{"reply": {"text": "hi"}}\'',
    );
  }
}

/** What a stub answers, in a few words. */
function replies(stub: StubView): string {
  const one = (r: StubView["sequence"][number]): string =>
    "error" in r
      ? `error ${r.error.status}`
      : "tool_calls" in r
        ? `tools ${r.tool_calls.map((t) => t.name).join("+")}`
        : "tool_call" in r
          ? `tool ${r.tool_call.name}`
          : `text "${r.text.length > 24 ? `${r.text.slice(0, 23)}…` : r.text}"`;
  return stub.sequence.map(one).join(" → ");
}

function matchOf(stub: StubView): string {
  const parts = Object.entries(stub.match).map(([k, v]) => `${k}=${String(v)}`);
  if (stub.cassette !== null) parts.push(`cassette=${stub.cassette}`);
  return parts.length === 0 ? "(any)" : parts.join(" ");
}

export function registerStubCommands(
  program: Command,
  env: Env,
  io: CliIo,
  onExit: (code: number) => void,
): void {
  const print = (lines: readonly string[]): void => lines.forEach((l) => io.out(l));
  const stubs = program
    .command("stubs")
    .description("run-time stubs of a running gateway: list | add | remove | clear");

  addClientOptions(stubs.command("list").description("the stubs, newest (tried first) at the top")).action(
    async (flags: ClientFlags) => {
      const { data } = (await call(flags, env, "GET", "/admin/stubs")) as { data: StubView[] };
      if (data.length === 0) io.out("No stubs.");
      else
        print(
          table(
            ["ID", "MATCH", "REPLIES", "CALLS", "LEFT"],
            data.map((s) => [s.id, matchOf(s), replies(s), s.calls, s.remaining ?? "∞"]),
          ),
        );
      onExit(0);
    },
  );
  addClientOptions(
    stubs
      .command("add")
      .argument("<stub>", "the stub as JSON, or @file.json (a list adds several)")
      .description("add a stub: {match?, reply | sequence, times?, cassette?, id?}"),
  ).action(async (arg: string, flags: ClientFlags) => {
    const added = (await call(flags, env, "POST", "/admin/stubs", await definition(arg))) as
      StubView | { data: StubView[] };
    for (const stub of "data" in added ? added.data : [added])
      io.out(`Added stub ${stub.id}: ${replies(stub)}`);
    onExit(0);
  });
  addClientOptions(
    stubs.command("remove").argument("<id>", "the stub's id").description("remove one stub"),
  ).action(async (id: string, flags: ClientFlags) => {
    await call(flags, env, "DELETE", `/admin/stubs/${encodeURIComponent(id)}`);
    io.out(`Removed stub ${id}.`);
    onExit(0);
  });
  addClientOptions(
    stubs
      .command("clear")
      .description("remove every stub")
      .option("--cassette <name>", "only this cassette's"),
  ).action(async (flags: ClientFlags & { cassette?: string }) => {
    const query = flags.cassette === undefined ? "" : `?cassette=${encodeURIComponent(flags.cassette)}`;
    const { deleted } = (await call(flags, env, "DELETE", `/admin/stubs${query}`)) as { deleted: number };
    io.out(`Removed ${deleted} stub${deleted === 1 ? "" : "s"}.`);
    onExit(0);
  });

  addClientOptions(
    program
      .command("requests")
      .description("the request journal of a running gateway, newest first")
      .option("--face <name>", "only this face (chat, invoke, …)")
      .option("--cassette <name>", "only requests with this X-Cassette")
      .option("--limit <n>", "at most n entries", "20"),
  ).action(async (flags: ClientFlags & { face?: string; cassette?: string; limit: string }) => {
    const query = new URLSearchParams({ limit: flags.limit });
    if (flags.face !== undefined) query.set("face", flags.face);
    if (flags.cassette !== undefined) query.set("cassette", flags.cassette);
    const { data } = (await call(flags, env, "GET", `/admin/requests?${query}`)) as { data: JournalEntry[] };
    if (data.length === 0) io.out("No requests yet.");
    else
      print(
        table(
          ["AT", "FACE", "MODEL", "STATUS", "STUB", "CASSETTE", "COST", "MS"],
          data.map((e) => [
            e.at.slice(11, 23),
            e.face,
            e.model ?? "-",
            e.error === null ? e.status : `${e.status} ${e.error}`,
            e.stub ?? "-",
            e.cassette ?? "-",
            `$${e.cost_usd.toFixed(6)}`,
            e.ms,
          ]),
        ),
      );
    onExit(0);
  });
}
