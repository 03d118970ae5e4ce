// Cassette names come from a request header, so they are hostile input: only a conservative alphabet,
// no `..`, no absolute paths, and the resolved file must still sit inside `recording.dir`.
import { lstat, realpath } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { invalidRequest } from "../shared/errors.ts";

const NAME = /^[A-Za-z0-9._/-]{1,200}$/;

/** Why `name` is not an acceptable cassette name, or undefined when it is. */
export function cassetteNameProblem(name: string): string | undefined {
  if (!NAME.test(name)) return "use 1 to 200 letters, digits, '.', '_', '-' or '/'";
  if (name.startsWith("/")) return "absolute paths are not allowed";
  if (name.includes("..")) return "'..' is not allowed";
  if (name.split("/").some((segment) => segment === "" || segment === "."))
    return "empty or '.' path segments are not allowed";
  return undefined;
}

/** Validate a cassette name (a trailing `.yaml` is tolerated) or throw a 400 naming the problem. */
export function checkCassetteName(raw: string, param = "X-Cassette"): string {
  const name = raw.trim().replace(/\.ya?ml$/, "");
  const problem = cassetteNameProblem(name);
  if (problem !== undefined) {
    throw invalidRequest(
      `Invalid cassette name ${JSON.stringify(raw.slice(0, 100))}: ${problem}.`,
      param,
      "invalid_cassette_name",
    );
  }
  return name;
}

/** The file of a (validated) cassette, guaranteed to be inside `dir`. */
export function cassettePath(dir: string, name: string): string {
  const root = resolve(dir);
  const file = resolve(root, `${name}.yaml`);
  const rel = relative(root, file);
  if (rel.startsWith("..") || isAbsolute(rel) || rel.split(sep).includes("..")) {
    throw invalidRequest(
      `Cassette name ${JSON.stringify(name)} escapes the cassette directory.`,
      "X-Cassette",
      "invalid_cassette_name",
    );
  }
  return file;
}

function inside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return !(rel.startsWith("..") || isAbsolute(rel) || rel.split(sep).includes(".."));
}

/**
 * Resolve symlinks (`realpath`) along a cassette's path and refuse it unless it still lands inside
 * `dir`: `X-Cassette: linkdir/escaped` through a symlink already in the directory wrote outside it.
 * The file and its folders need not exist yet; what does exist is resolved.
 */
export async function staysInside(dir: string, file: string, name: string): Promise<void> {
  let root: string;
  try {
    root = await realpath(resolve(dir));
  } catch {
    return; // no directory yet: nothing in it can be a symlink
  }
  let probe = file;
  const rest: string[] = [];
  for (;;) {
    try {
      if (inside(root, join(await realpath(probe), ...rest))) return;
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") break;
      // A dangling symlink is refused too: its target may be created outside later.
      if (
        probe === dirname(probe) ||
        (await lstat(probe).then(
          () => true,
          () => false,
        ))
      )
        break;
      rest.unshift(basename(probe));
      probe = dirname(probe);
    }
  }
  throw invalidRequest(
    `Cassette name ${JSON.stringify(name.slice(0, 100))} leads outside the cassette directory (through a symbolic link).`,
    "X-Cassette",
    "invalid_cassette_name",
  );
}

/**
 * How messages name a cassette file: under `dir` as configured when that is relative, else under the
 * directory's own name. Errors reach HTTP clients, so they never carry the server's absolute paths.
 */
export function cassetteLabel(dir: string, name: string): string {
  const shown = isAbsolute(dir) ? basename(resolve(dir)) : dir;
  return join(shown, `${name}.yaml`).split(sep).join("/");
}
