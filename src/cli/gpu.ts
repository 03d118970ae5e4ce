// `bpg gpu list|types|start TYPE [--name N]|stop NAME|delete NAME`: thin clients of a running gateway's
// /gpu routes (cli/quota.ts reuses `call`), printing readable tables. The gateway's URL comes from --url,
// else the configured server.host/port. Failures become one-line messages and a non-zero exit code.
import type { GpuInstanceType } from "../accounting/gpu-types.ts";
import type { Command } from "commander";
import { loadConfig, type Env } from "../config/load.ts";
import type { CliIo } from "./program.ts";

export interface ClientFlags {
  url?: string;
  config?: string;
  team?: string;
  token?: string;
}

/** A failure the CLI reports as one line and exit code 1. */
export class CliRequestError extends Error {}

const REQUEST_TIMEOUT_MS = 15_000;

/** The gateway's URL and the key it wants (its first server.api_keys entry, if it has any). */
function target(
  flags: ClientFlags,
  env: Env,
): { url: string; apiKey: string | undefined; adminKey: string | null } {
  const { config } = loadConfig({ file: flags.config, env, overrides: {} });
  return {
    url: baseUrl(flags, config.server),
    apiKey: config.server.api_keys[0],
    adminKey: config.server.admin_key,
  };
}

function baseUrl(flags: ClientFlags, server: { host: string; port: number }): string {
  if (flags.url !== undefined) {
    try {
      return new URL(flags.url).toString().replace(/\/+$/, "");
    } catch {
      throw new CliRequestError(`--url ${flags.url} is not a URL (e.g. http://127.0.0.1:8787).`);
    }
  }
  const host = server.host === "0.0.0.0" || server.host === "::" ? "127.0.0.1" : server.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${server.port}`;
}

/** One JSON request to a running gateway; a failure is a one-line CliRequestError. */
export async function call(
  flags: ClientFlags,
  env: Env,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  const gateway = target(flags, env);
  const url = `${gateway.url}${path}`;
  const headers: Record<string, string> = { accept: "application/json" };
  if (gateway.apiKey !== undefined) headers.authorization = `Bearer ${gateway.apiKey}`;
  // A gateway on another host answers /admin only with its admin key.
  if (path.startsWith("/admin/") && gateway.adminKey !== null && gateway.adminKey !== "")
    headers["x-admin-key"] = gateway.adminKey;
  if (flags.team !== undefined || flags.token !== undefined) {
    if (flags.team === undefined || flags.token === undefined)
      throw new CliRequestError("--team and --token go together.");
    headers["x-team-id"] = flags.team;
    headers["x-api-token"] = flags.token;
  }
  if (body !== undefined) headers["content-type"] = "application/json";
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new CliRequestError(
      `cannot reach the gateway at ${new URL(url).origin} (${cause}); is \`bpg serve\` running? (--url to point elsewhere)`,
    );
  }
  const text = await res.text();
  let parsed: unknown;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    throw new CliRequestError(`${method} ${path}: HTTP ${res.status}, and the answer is not JSON.`);
  }
  if (!res.ok) {
    const message = (parsed as { error?: { message?: unknown } } | undefined)?.error?.message;
    throw new CliRequestError(
      `${method} ${path}: HTTP ${res.status}: ${typeof message === "string" ? message : "no error message"}`,
    );
  }
  return parsed;
}

/** Left-aligned columns, two spaces apart; numbers right-aligned. */
export function table(headers: readonly string[], rows: readonly (readonly (string | number)[])[]): string[] {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const numeric = headers.map((_, c) => rows.length > 0 && rows.every((r) => typeof r[c] === "number"));
  const widths = headers.map((_, c) => Math.max(...cells.map((r) => (r[c] ?? "").length)));
  return cells.map((r) =>
    r
      .map((cell, c) => (numeric[c] === true ? cell.padStart(widths[c] ?? 0) : cell.padEnd(widths[c] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

/** Tables and messages: cents, or micro-dollars for amounts below a cent. */
export const usd = (n: number): string => `$${n.toFixed(n !== 0 && Math.abs(n) < 0.01 ? 6 : 2)}`;
/** `bpg quota`: every amount at the ledger's precision, so the column lines up and sums by eye. */
export const usdExact = (n: number): string => `$${n.toFixed(6)}`;

/** Instances that are (about to be) billed: starting one again is a no-op. */
const RUNNING = new Set(["Pending", "InService"]);

function duration(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0
    ? `${h}h${String(m).padStart(2, "0")}m`
    : m > 0
      ? `${m}m${String(s % 60).padStart(2, "0")}s`
      : `${s}s`;
}

interface InstanceRow {
  name: string;
  instance_type: string;
  status: string;
  usd_per_hour: number;
  running_seconds: number;
  cost_usd: number;
  stop_reason: string | null;
}

function instanceTable(rows: readonly InstanceRow[]): string[] {
  if (rows.length === 0) return ["No GPU instances. Start one with: bpg gpu start ml.t3.medium"];
  return table(
    ["NAME", "TYPE", "STATUS", "$/HOUR", "RUNNING", "COST"],
    rows.map((i) => [
      i.name,
      i.instance_type,
      i.stop_reason === "budget_exhausted" ? `${i.status} (budget exhausted)` : i.status,
      usd(i.usd_per_hour),
      duration(i.running_seconds),
      usd(i.cost_usd),
    ]),
  );
}

export function addClientOptions(command: Command): Command {
  return command
    .option("--url <url>", "gateway URL (default: http://<server.host>:<server.port> from the config)")
    .option("-c, --config <file>", "config file to read the default URL from")
    .option("--team <id>", "team id (default: the gateway's default team)")
    .option("--token <token>", "the team's API token");
}

export function registerGpuCommands(
  program: Command,
  env: Env,
  io: CliIo,
  onExit: (code: number) => void,
): void {
  const print = (lines: readonly string[]): void => lines.forEach((l) => io.out(l));
  const gpu = program.command("gpu").description("simulated GPU notebooks of a running gateway (mock mode)");

  addClientOptions(gpu.command("list").description("list your team's GPU instances")).action(
    async (flags: ClientFlags) => {
      const res = (await call(flags, env, "GET", "/gpu/instances")) as { data: InstanceRow[] };
      print(instanceTable(res.data));
      onExit(0);
    },
  );

  addClientOptions(gpu.command("types").description("instance types and hourly prices")).action(
    async (flags: ClientFlags) => {
      const res = (await call(flags, env, "GET", "/gpu/instance-types")) as { data: GpuInstanceType[] };
      print(
        table(
          ["TYPE", "GPU", "VRAM", "CPU", "RAM", "$/HOUR"],
          res.data.map((t) => [
            t.instance_type,
            t.gpu ?? "-",
            t.vram_gb === null ? "-" : `${t.vram_gb}GB`,
            t.vcpus,
            `${t.ram_gb}GB`,
            usd(t.usd_per_hour),
          ]),
        ),
      );
      onExit(0);
    },
  );

  addClientOptions(
    gpu
      .command("start")
      .argument(
        "<type|name>",
        "instance type, e.g. ml.g5.xlarge (see `bpg gpu types`), or a stopped instance's name",
      ),
  )
    .description("create an instance of TYPE, or start a stopped instance (by NAME, or TYPE --name NAME)")
    .option("-n, --name <name>", "instance name (default: generated)")
    .action(async (typeOrName: string, flags: ClientFlags & { name?: string }) => {
      const list = (await call(flags, env, "GET", "/gpu/instances")) as { data: InstanceRow[] };
      // `bpg gpu start train` names an instance when one is called that; else it is a type.
      const existing = list.data.find((i) => i.name === (flags.name ?? typeOrName));
      if (existing !== undefined && flags.name !== undefined && existing.instance_type !== typeOrName) {
        throw new CliRequestError(
          `instance ${existing.name} exists with type ${existing.instance_type}, not ${typeOrName}; pick another --name.`,
        );
      }
      if (existing !== undefined && RUNNING.has(existing.status)) {
        io.out(
          `${existing.name} is already running (${existing.status}, ${existing.instance_type}, ${usd(existing.usd_per_hour)}/hour, ` +
            `${usd(existing.cost_usd)} so far); nothing to start. Stop it with: bpg gpu stop ${existing.name}`,
        );
        onExit(0);
        return;
      }
      const started = (
        existing === undefined
          ? await call(flags, env, "POST", "/gpu/instances", {
              instance_type: typeOrName,
              ...(flags.name === undefined ? {} : { name: flags.name }),
            })
          : await call(flags, env, "POST", `/gpu/instances/${encodeURIComponent(existing.name)}/start`)
      ) as InstanceRow;
      io.out(
        `Started ${started.name} (${started.instance_type}, ${usd(started.usd_per_hour)}/hour): ${started.status}. ` +
          `It costs money until you run: bpg gpu stop ${started.name}`,
      );
      onExit(0);
    });

  addClientOptions(gpu.command("stop").argument("<name>", "instance name (see `bpg gpu list`)"))
    .description("stop a running instance (stopped instances cost nothing)")
    .action(async (name: string, flags: ClientFlags) => {
      const stopped = (await call(
        flags,
        env,
        "POST",
        `/gpu/instances/${encodeURIComponent(name)}/stop`,
      )) as InstanceRow;
      io.out(
        `Stopping ${stopped.name}: ran ${duration(stopped.running_seconds)}, cost ${usd(stopped.cost_usd)} so far.`,
      );
      onExit(0);
    });

  addClientOptions(gpu.command("delete").argument("<name>", "instance name"))
    .description("delete an instance")
    .action(async (name: string, flags: ClientFlags) => {
      const deleted = (await call(
        flags,
        env,
        "DELETE",
        `/gpu/instances/${encodeURIComponent(name)}`,
      )) as InstanceRow;
      io.out(`Deleting ${deleted.name}: it cost ${usd(deleted.cost_usd)} in total.`);
      onExit(0);
    });
}
