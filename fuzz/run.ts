// `npm run fuzz`: the full fixed-seed pass (10,000 bodies per face by default), its figures written
// next to the bench results (bench/results/fuzz.json and fuzz.md, or fuzz-<faces>.* for a subset).
// Exits 1 when anything was found.
//   npm run fuzz                             # 10,000 bodies on every face, seed 19
//   npm run fuzz -- 2000 7                   # bodies per face, seed
//   npm run fuzz -- 10000 19 chat,converse   # some faces only (a slow machine runs them separately)
import { mkdirSync, writeFileSync } from "node:fs";
import { FACES, type Face } from "./faces.ts";
import { runFuzz, type FuzzFigures } from "./harness.ts";

const bodiesPerFace = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? 19);
const only = process.argv[4]?.split(",") as Face[] | undefined;
const unknown = only?.filter((f) => !FACES.includes(f)) ?? [];
if (unknown.length > 0) throw new Error(`unknown faces ${unknown.join(", ")}; faces: ${FACES.join(", ")}`);
const findings: string[] = [];
const figures = await runFuzz({
  seed,
  bodiesPerFace,
  ...(only === undefined ? {} : { faces: only }),
  onFinding: (finding) => {
    findings.push(finding);
    if (findings.length <= 20) console.error(finding);
  },
});

function table(f: FuzzFigures): string {
  const rows = Object.entries(f.faces).map(
    ([face, x]) =>
      `| ${face} | ${x.bodies} | ${x.internal500} | ${x.other5xx} | ${x.outsideShape} | ${x.slowerThan2s} | ${Object.entries(
        x.statuses,
      )
        .map(([s, n]) => `${s}: ${n}`)
        .join(
          ", ",
        )} | ${x.memoryAfter === undefined ? "" : `${x.memoryAfter.rssMiB} / ${x.memoryAfter.heapUsedMiB} / ${x.memoryAfter.heapTotalMiB}`} |`,
  );
  const stalls = f.worstStalls.map(
    (s) =>
      `- ${s.delayMs} ms (CPU ${s.cpuMs} ms, GC ${s.gcMs} ms), in flight: ${s.inFlight.map((d) => `\`${d.slice(0, 100)}\``).join("; ")}`,
  );
  return [
    `# Fuzz pass — seed ${f.seed}, ${new Date().toISOString()}`,
    "",
    "| face | bodies | internal 500s | other 5xx | outside the shapes | slower than 2 s | statuses | RSS / heap used / heap committed after (MiB) |",
    "|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
    `Crashes: ${f.crashes}; internal errors counted by the gateway: ${f.internalErrorsCounted}; ` +
      `handlers left after the clients hung up or were answered: ${f.handlersLeft}; ` +
      `healthy after: ${f.healthyAfter}; max event-loop delay ${f.maxEventLoopDelayMs} ms ` +
      `(p99 ${f.p99EventLoopDelayMs} ms, the worst face's; at most ${f.maxOwnDelayMs} ms of it the gateway's own work: its loop thread's CPU time); RSS growth ${f.rssGrowthMiB} MiB (heap retained after GC ` +
      `${f.heapGrowthMiB} MiB, heap committed ${f.heapCommittedGrowthMiB} MiB, external ${f.externalGrowthMiB} MiB); ` +
      `${f.seconds} s.`,
    "",
    "Worst event-loop stalls (over 20 ms; CPU time of the loop thread and GC pauses in them), with the bodies in flight:",
    "",
    ...(stalls.length === 0 ? ["- none"] : stalls),
    "",
  ].join("\n");
}

const dir = new URL("../bench/results/", import.meta.url);
const name = only === undefined ? "fuzz" : `fuzz-${only.join("+")}`;
mkdirSync(dir, { recursive: true });
writeFileSync(
  new URL(`${name}.json`, dir),
  `${JSON.stringify({ ...figures, findings: findings.slice(0, 200) }, null, 1)}\n`,
);
writeFileSync(new URL(`${name}.md`, dir), table(figures));
console.log(table(figures));
const bad =
  figures.crashes > 0 ||
  figures.internalErrorsCounted > 0 ||
  figures.handlersLeft > 0 ||
  !figures.healthyAfter ||
  Object.values(figures.faces).some((x) => x.internal500 + x.other5xx + x.outsideShape > 0);
process.exitCode = bad ? 1 : 0;
