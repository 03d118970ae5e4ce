// Renders the results as the Markdown table of bench/results/latest.md. Pure.
import type { ScenarioResult, ScenarioSummary, TargetVerdict } from "./results.ts";
import { round } from "./stats.ts";

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  totalMemMiB: number;
  /** 1-minute load average at the start and the end of the run: how busy the shared machine was. */
  loadAverage: [number, number];
}

export interface Report {
  version: 1;
  date: string;
  machine: Machine;
  settings: Record<string, unknown>;
  scenarios: ScenarioResult[];
  summaries: ScenarioSummary[];
  targets: TargetVerdict[];
  notes: string[];
}

const fmt = (value: number | null | undefined, digits = 0): string => {
  const r = round(value, digits);
  return r === null
    ? "—"
    : r.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
};
const mib = (bytes: number | null | undefined): string => (bytes == null ? "—" : fmt(bytes / 1024 / 1024, 0));

function verdict(met: boolean | null): string {
  return met === null ? "not measured" : met ? "**met**" : "**not met**";
}

export function renderMarkdown(report: Report): string {
  const lines: string[] = [];
  const m = report.machine;
  lines.push("# Benchmark results", "");
  lines.push(
    `${report.date} · ${m.cpus} cores (${m.cpuModel}) · Node ${m.node} · ${m.platform} · ${fmt(m.totalMemMiB)} MiB RAM · load average ${fmt(m.loadAverage[0], 1)} → ${fmt(m.loadAverage[1], 1)}`,
    "",
  );
  lines.push(
    `Settings: ${Object.entries(report.settings)
      .map(([k, v]) => `${k} ${String(v)}`)
      .join(", ")}.`,
    "",
  );
  lines.push("Medians over rounds; ratios are taken within each round, then the median is reported.", "");
  lines.push(
    "| scenario | status | req/s @50 | × A | × E | p50 µs | p99 µs | +p50 vs A µs | TTFB p50 µs | CPU µs/req | RSS idle MiB | RSS after MiB | peak MiB | start ms |",
  );
  lines.push("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|");
  for (const s of report.summaries) {
    const r = report.scenarios.find((x) => x.id === s.id);
    const title = r === undefined ? s.id : `**${s.id}** ${r.title}`;
    if (s.status !== "ok") {
      lines.push(`| ${title} | ${s.status} | | | | | | | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${title} | ok | ${fmt(s.rps)} | ${fmt(s.ratioToA, 2)} | ${fmt(s.ratioToE, 2)} | ${fmt(s.p50Us)} | ${fmt(s.p99Us)} | ${fmt(s.addedP50UsOverA)} | ${fmt(s.ttfbP50Us)} | ${fmt(s.cpuUsPerRequest)} | ${mib(s.rssIdleBytes)} | ${mib(s.rssAfterBytes)} | ${mib(s.peakRssBytes)} | ${fmt(r?.startupMs)} |`,
    );
  }
  lines.push("", "## Targets (issue 7)", "");
  lines.push("| target | wanted | measured | verdict |", "|---|---|--:|---|");
  for (const t of report.targets) {
    lines.push(
      `| ${t.label} | ${t.op} ${t.threshold} ${t.unit} | ${t.value === null ? "—" : `${fmt(t.value, t.unit.startsWith("×") ? 2 : t.unit === "MiB" ? 1 : 0)} ${t.unit}`} | ${verdict(t.met)} |`,
    );
  }
  const unavailable = report.scenarios.filter((r) => r.status !== "ok");
  if (unavailable.length > 0) {
    lines.push("", "## Not measured", "");
    for (const r of unavailable)
      lines.push(
        `- **${r.id}** (${r.status}): ${(r.reason ?? "no reason recorded").replaceAll("|", "/").replaceAll("\n", " ")}`,
      );
  }
  if (report.notes.length > 0) {
    lines.push("", "## Notes", "");
    for (const note of report.notes) lines.push(`- ${note}`);
  }
  lines.push("");
  return lines.join("\n");
}
