// In-process measurement behind schema-data.ts's Ajv options: milliseconds of event loop one compile
// of a wide tool schema (N required string properties) takes with Ajv's code optimiser and without it.
// The simulator compiles each new schema once, on the loop, so this is a stall every other request
// waits out. Not part of `npm test` or `npm run bench`; run it by hand, on Node 24:
//
//   node_modules/.bin/node bench/micro/schema-compile.ts [--properties 50,217,300] [--rounds 5]
import { parseArgs } from "node:util";
import { Ajv2020 } from "ajv/dist/2020.js";

const { values } = parseArgs({
  options: {
    properties: { type: "string", default: "50,217,300" },
    rounds: { type: "string", default: "5" },
  },
});
const rounds = Number(values.rounds);

function wide(n: number, round: number): object {
  const names = Array.from({ length: n }, (_, i) => `p${i}_${round}`);
  return {
    type: "object",
    properties: Object.fromEntries(names.map((name) => [name, { type: "string", minLength: 3 }])),
    required: names,
  };
}

console.log("| properties | optimiser on (ms, median) | optimiser off (ms, median) |");
console.log("|--:|--:|--:|");
for (const n of values.properties.split(",").map(Number)) {
  const median = (optimize: boolean): number => {
    const ms: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // A fresh instance per compile, as a schema the simulator has not seen before.
      const ajv = new Ajv2020({ strict: false, logger: false, code: { optimize } });
      const started = performance.now();
      ajv.compile(wide(n, round));
      ms.push(performance.now() - started);
    }
    return ms.sort((a, b) => a - b)[Math.floor(ms.length / 2)] ?? NaN;
  };
  console.log(`| ${n} | ${median(true).toFixed(1)} | ${median(false).toFixed(1)} |`);
}
