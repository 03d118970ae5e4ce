// `bpg quota` (your team's remaining_quota, from GET /quota) and `bpg quota --watch` (every team's
// budget, refreshed, from GET /admin/budget — the route the dashboard reads, so both show one truth).
import type { Command } from "commander";
import { InvalidArgumentError } from "commander";
import type { BudgetView } from "../budget/types.ts";
import type { Env } from "../config/load.ts";
import { addClientOptions, call, type ClientFlags } from "./client.ts";
import { table, usd, usdExact } from "./table.ts";
import type { CliIo } from "./program.ts";

interface QuotaFlags extends ClientFlags {
  watch?: boolean;
  interval?: number;
  count?: number;
}

function positive(what: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n < min) throw new InvalidArgumentError(`${what} must be a number ≥ ${min}.`);
    return n;
  };
}

/** One screen of `--watch`: a row per team, then the latest alerts. */
export function budgetScreen(view: BudgetView): string[] {
  const source =
    view.source === "proxy"
      ? "figures: what the Bedrock proxy last reported with its answers"
      : "figures: the simulator's ledger";
  const lines = [`${view.generated_at}  mode ${view.mode}  ${source}`, ""];
  if (view.teams.length === 0)
    lines.push("No team known yet (the proxy reports a budget only with its answers).");
  else {
    lines.push(
      ...table(
        ["TEAM", "LIMIT", "SPENT", "LLM", "GPU", "REMAINING", "USED", "GPUS RUNNING"],
        view.teams.map((t) => {
          const q = t.remaining_quota;
          const running = t.instances.filter(
            (i) => i.status === "InService" || i.status === "Pending",
          ).length;
          return [
            t.team_id,
            usd(q.budget_limit),
            usd(q.total_cost),
            usd(q.llm_cost),
            usd(q.gpu_cost),
            usd(q.remaining_budget),
            `${q.budget_usage_percent.toFixed(2)}%`,
            running,
          ];
        }),
      ),
    );
  }
  for (const alert of view.alerts.slice(-5)) {
    lines.push(
      `alert ${alert.at}: team ${alert.team_id} passed ${alert.threshold_percent}% (${alert.budget_usage_percent.toFixed(1)}% used)`,
    );
  }
  return lines;
}

function quotaLines(q: Record<string, unknown>): string[] {
  const quota = (q.remaining_quota ?? q) as Record<string, unknown>;
  const show = (key: string, value: unknown): string =>
    typeof value !== "number"
      ? String(value)
      : key.endsWith("_percent")
        ? `${value.toFixed(2)}%`
        : key.includes("cost") || key.includes("budget")
          ? usdExact(value)
          : String(value);
  const rows = Object.entries(quota).map(([k, v]) => [k, show(k, v)] as const);
  const width = Math.max(...rows.map(([, v]) => v.length));
  // Values right-aligned, so the dollar amounts line up on their decimal point.
  return table(
    ["", ""],
    rows.map(([k, v]) => [k, v.padStart(width)]),
  ).slice(1);
}

export function registerQuotaCommand(
  program: Command,
  env: Env,
  io: CliIo,
  onExit: (code: number) => void,
): void {
  addClientOptions(program.command("quota").description("your team's remaining_quota on a running gateway"))
    .option("-w, --watch", "every team's budget, refreshed (GET /admin/budget, as the dashboard reads it)")
    .option("--interval <seconds>", "refresh period with --watch (default 2)", positive("--interval", 0.2))
    .option(
      "--count <n>",
      "stop --watch after n refreshes (default: until interrupted)",
      positive("--count", 1),
    )
    .action(async (flags: QuotaFlags) => {
      if (flags.watch !== true) {
        quotaLines((await call(flags, env, "GET", "/quota")) as Record<string, unknown>).forEach((l) =>
          io.out(l),
        );
        onExit(0);
        return;
      }
      const clear = process.stdout.isTTY === true && flags.count === undefined;
      for (let shown = 0; flags.count === undefined || shown < flags.count; shown++) {
        if (shown > 0) await new Promise((resolve) => setTimeout(resolve, (flags.interval ?? 2) * 1000));
        const view = (await call(flags, env, "GET", "/admin/budget")) as BudgetView;
        if (clear) io.out("\x1b[2J\x1b[H"); // a screen that updates in place, like watch(1)
        budgetScreen(view).forEach((l) => io.out(l));
      }
      onExit(0);
    });
}
