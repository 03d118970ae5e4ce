// `bpg gpu list|types|start TYPE [--name N]|stop NAME|delete NAME`: thin clients of a running gateway's
// /gpu routes (through client.ts `call`), printing readable tables.
import type { GpuInstanceType } from "../accounting/gpu-types.ts";
import type { Command } from "commander";
import type { Env } from "../config/load.ts";
import { CliRequestError, addClientOptions, call, type ClientFlags } from "./client.ts";
import type { CliIo } from "./program.ts";
import { table, usd } from "./table.ts";

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
