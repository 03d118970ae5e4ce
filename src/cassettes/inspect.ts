// Read-only views of cassette files for the CLI: find them, parse every entry, re-hash and report.
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { requestKey, type MatchRules } from "./canonical.ts";
import { parseEntry, splitCassette, type CassetteEntry, type CassetteHeader } from "./format.ts";
import { cassetteNameProblem, cassettePath } from "./names.ts";

export interface CassetteReport {
  name: string;
  file: string;
  bytes: number;
  header?: CassetteHeader;
  entries: CassetteEntry[];
  /** Human-readable problems; empty when the file loads and every key re-hashes to itself. */
  problems: string[];
}

/** Cassette names under `dir` (files `*.yaml`, recursively; dot files such as temp files skipped). */
export async function listCassettes(dir: string): Promise<string[]> {
  const names: string[] = [];
  async function walk(folder: string): Promise<void> {
    let items;
    try {
      items = await readdir(folder, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
      throw error;
    }
    for (const item of items) {
      if (item.name.startsWith(".")) continue;
      const path = join(folder, item.name);
      if (item.isDirectory()) await walk(path);
      else if (item.isFile() && item.name.endsWith(".yaml")) {
        const name = relative(dir, path)
          .split(sep)
          .join("/")
          .replace(/\.yaml$/, "");
        if (cassetteNameProblem(name) === undefined) names.push(name);
      }
    }
  }
  await walk(dir);
  return names.sort();
}

/** The matching rules a cassette's header declares (its keys were computed with them). */
export function fileMatchRules(header: CassetteHeader | undefined): MatchRules | undefined {
  return header === undefined ? undefined : { ignoredFields: [...header.ignore_fields] };
}

/** The usage a recorded successful answer reports (what replaying it would have cost live), if any. */
export function recordedUsage(entry: CassetteEntry): { input: number; output: number } | undefined {
  if (entry.response.status >= 300) return undefined;
  let body = entry.response.json;
  if (body === undefined) {
    try {
      body = JSON.parse(entry.response.text ?? "");
    } catch {
      return undefined;
    }
  }
  const usage = (body as { usage?: { input_tokens?: unknown; output_tokens?: unknown } } | null)?.usage;
  if (typeof usage?.input_tokens !== "number" || typeof usage.output_tokens !== "number") return undefined;
  return { input: usage.input_tokens, output: usage.output_tokens };
}

/** Load a whole cassette, collecting problems instead of stopping at the first. */
export async function inspectCassette(dir: string, name: string, rules: MatchRules): Promise<CassetteReport> {
  const file = cassettePath(dir, name);
  const report: CassetteReport = { name, file, bytes: 0, entries: [], problems: [] };
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
    report.bytes = bytes.length;
  } catch (error) {
    report.problems.push(
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? `no cassette "${name}" (no file ${file})`
        : (error as Error).message,
    );
    return report;
  }
  let chunks: string[];
  try {
    ({ header: report.header, chunks } = splitCassette(bytes, file));
  } catch (error) {
    report.problems.push((error as Error).message);
    return report;
  }
  // Keys are judged by the rules the file says they were computed with: a cassette recorded with other
  // ignore_fields than today's config is not broken (a replaying gateway re-hashes it on load).
  const fileRules = fileMatchRules(report.header) ?? rules;
  chunks.forEach((chunk, i) => {
    try {
      const entry = parseEntry(chunk, file, i + 1);
      report.entries.push(entry);
      if (requestKey(entry.request, fileRules) !== entry.key) {
        report.problems.push(
          `entry ${i + 1}: its key does not match its request (edited by hand, or recorded with other ignore_fields); run "bpg cassettes verify --fix".`,
        );
      }
    } catch (error) {
      report.problems.push((error as Error).message);
    }
  });
  return report;
}
