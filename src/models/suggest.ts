// "Did you mean …" for an unknown model name: the closest aliases and ids by edit distance, plus any id
// that contains what was typed (`claude-3-haiku` → `us.anthropic.claude-3-haiku-20240307-v1:0`).
import { quoteUser } from "../shared/quote.ts";

/** Levenshtein distance, one row at a time. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, substitution));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/** Up to `max` of `names` closest to `typed`; none when nothing is reasonably close. */
export function closestNames(typed: string, names: readonly string[], max = 3): string[] {
  const want = typed.trim().toLowerCase();
  if (want === "") return [];
  const limit = Math.max(2, Math.floor(want.length / 3));
  const scored = names.map((name) => {
    const have = name.toLowerCase();
    const bare = have.replace(/^(us|eu|apac|global)\./, "");
    if (have.includes(want)) return { name, score: 0 }; // a partial id counts as close
    // The distance is at least the difference in length: a name too far apart by length alone is
    // skipped without the quadratic distance (a 1 MB "model" would block the event loop for seconds).
    if (Math.abs(want.length - bare.length) > limit && Math.abs(want.length - have.length) > limit)
      return { name, score: Infinity };
    return { name, score: Math.min(distance(want, have), distance(want, bare)) };
  });
  return scored
    .filter((s) => s.score <= limit)
    .sort((a, b) => a.score - b.score || a.name.length - b.name.length || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((s) => s.name);
}

/** The 404 message for a model nobody serves, with the closest names when there are any. */
export function unknownModelMessage(typed: string, names: readonly string[]): string {
  const close = closestNames(typed, names);
  const hint = close.length === 0 ? "" : ` Did you mean ${close.map((n) => `'${n}'`).join(", ")}?`;
  return `The model ${quoteUser(typed)} does not exist.${hint} GET /v1/models lists the models and aliases served.`;
}
