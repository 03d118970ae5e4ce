// A clone must test on its own (issue 12): no file of src/, test/, bench/ or scripts/ may reach a path
// outside the repository — a relative path climbing above the root (a string of parent steps, or a
// join/resolve of the file's folder with parent steps), or an absolute path into the folder the checkout sits in.
// System paths (/tmp, /proc, /etc) used as test inputs are not dependencies and stay allowed.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..", "..");
const FOLDERS = ["src", "test", "bench", "scripts"];
const SOURCE = /\.(ts|js|mjs|cjs|json|ya?ml|py|sh)$/;

/** Every path-like reference in `text` (a file at `file`) that resolves outside `root`. */
export function escapes(root: string, file: string, text: string): string[] {
  const found: string[] = [];
  const outside = (target: string): boolean => {
    const rel = relative(root, target);
    return rel === ".." || rel.startsWith(`..${sep}`);
  };
  // "../x", '../../y', `../z` — resolved from the file's folder, as import and new URL(…, import.meta.url) do.
  for (const m of text.matchAll(/["'`]((?:\.\.\/)+[^"'`\s]*)/g)) {
    const ref = m[1] ?? "";
    if (outside(resolve(dirname(file), ref))) found.push(ref);
  }
  // join/resolve(import.meta.dirname | __dirname, "..", "..", …)
  for (const m of text.matchAll(/(?:import\.meta\.dirname|__dirname)((?:\s*,\s*["']\.\.["'])+)/g)) {
    const ups = (m[1] ?? "").match(/\.\./g)?.length ?? 0;
    if (outside(resolve(dirname(file), ...Array<string>(ups).fill("..")))) found.push(m[0]);
  }
  // An absolute path into the folder that holds the checkout (its siblings are not part of a clone).
  const parent = dirname(root);
  if (parent !== sep && text.includes(`${parent}${sep}`)) found.push(parent);
  return found;
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "results" ? [] : files(path);
    return SOURCE.test(entry.name) ? [path] : [];
  });
}

describe("the repository is self-contained", () => {
  it("flags what climbs out and keeps what stays in", () => {
    // Built from pieces, so this file does not trip its own check.
    const file = join(ROOT, "test", "helpers", "x.ts");
    const up = (n: number): string => "../".repeat(n);
    const meta = ["import", "meta", "dirname"].join(".");
    const ups = (n: number): string => Array<string>(n).fill('".."').join(", ");
    const text = [
      `new URL("${up(3)}shared/spec/openai-openapi.yaml", import.meta.url)`,
      `join(${meta}, ${ups(3)}, "shared")`,
      `readFileSync("${join(dirname(ROOT), "shared", "x")}")`,
      `import { a } from "${up(1)}gateway.ts"; new URL("${up(2)}spec/openai-openapi.yaml", import.meta.url)`,
      `join(${meta}, ${ups(2)}, "node_modules")`,
    ].join("\n");
    expect(escapes(ROOT, file, text)).toHaveLength(3);
  });

  it("no file of src/, test/, bench/ or scripts/ references a path outside the repository", () => {
    const offenders = FOLDERS.flatMap((folder) =>
      files(join(ROOT, folder)).flatMap((file) =>
        escapes(ROOT, file, readFileSync(file, "utf8")).map((ref) => `${relative(ROOT, file)}: ${ref}`),
      ),
    );
    expect(offenders).toEqual([]);
  });
});
