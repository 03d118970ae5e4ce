// `npm run fuzz`: the full fixed-seed pass (10,000 bodies per face by default), its figures written
// next to the bench results (bench/results/fuzz.json and fuzz.md). Exits 1 when anything was found.
//   npm run fuzz                     # 10,000 bodies per face, seed 19
//   npm run fuzz -- 2000 7           # bodies per face, seed
import { mkdirSync, writeFileSync } from "node:fs";
import { runFuzz, type FuzzFigures } from "./harness.ts";

const bodiesPerFace = Number(process.argv[2] ?? 10_000);
const seed = Number(process.argv[3] ?? 19);
const findings: string[] = [];
const figures = await runFuzz({
  seed,
  bodiesPerFace,
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
        .join(", ")} |`,
  );
  return [
    `# Fuzz pass — seed ${f.seed}, ${new Date().toISOString()}`,
    "",
    "| face | bodies | internal 500s | other 5xx | outside the shapes | slower than 2 s | statuses |",
    "|---|---|---|---|---|---|---|",
    ...rows,
    "",
    `Crashes: ${f.crashes}; healthy after: ${f.healthyAfter}; max event-loop delay ${f.maxEventLoopDelayMs} ms ` +
      `(p99 ${f.p99EventLoopDelayMs} ms); RSS growth ${f.rssGrowthMiB} MiB; ${f.seconds} s.`,
    "",
  ].join("\n");
}

const dir = new URL("../bench/results/", import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(
  new URL("fuzz.json", dir),
  `${JSON.stringify({ ...figures, findings: findings.slice(0, 200) }, null, 1)}\n`,
);
writeFileSync(new URL("fuzz.md", dir), table(figures));
console.log(table(figures));
const bad =
  figures.crashes > 0 ||
  !figures.healthyAfter ||
  Object.values(figures.faces).some((x) => x.internal500 + x.other5xx + x.outsideShape > 0);
process.exitCode = bad ? 1 : 0;
