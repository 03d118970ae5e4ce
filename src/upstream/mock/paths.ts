// File paths a prompt names ("Read notes.txt", "open src/app.ts", "/etc/hosts"), for tool inputs that
// want one (Claude Code's Read/Edit/Write take `file_path`). Made absolute against the working directory
// the prompt states (Claude Code's system prompt says "Primary working directory: /…"), since agents'
// file tools ask for absolute paths. Bounded patterns only: linear on hostile text.

/** `name.ext` with optional directories before it; the extension starts with a letter ("3.14" is no file). */
const RELATIVE =
  /(?<![\w@/:.-])(?:\.{1,2}\/|~\/)?(?:[\w-]{1,64}\/){0,16}[\w-][\w.-]{0,127}\.[A-Za-z][A-Za-z0-9]{0,7}\b/g;
/** `/a/b` or `/a/b.ext`: at least two segments, so a lone "/" or "and/or" is none. */
const ABSOLUTE = /(?<![\w:/.-])\/(?:[\w.-]{1,64}\/){1,16}[\w.-]{1,128}/g;
const WORKING_DIRECTORY = /\bworking directory:\s*(\/[^\s`'"]{1,512})/i;

/** Paths in order of appearance (the user's question comes last in the text the simulator reads). */
export function pathsIn(text: string): string[] {
  const found: { at: number; path: string }[] = [];
  for (const m of text.matchAll(ABSOLUTE)) found.push({ at: m.index, path: m[0].replace(/[.,;:]+$/, "") });
  for (const m of text.matchAll(RELATIVE))
    if (!found.some((f) => m.index >= f.at && m.index < f.at + f.path.length))
      found.push({ at: m.index, path: m[0] });
  return [...new Set(found.sort((a, b) => a.at - b.at).map((f) => f.path))].slice(-16);
}

/** The working directory the whole prompt states, if it states one. */
export function workingDirectoryIn(text: string): string | undefined {
  return WORKING_DIRECTORY.exec(text)?.[1];
}

/** `path` made absolute against the working directory `cwd`, when there is one. */
export function absolutePath(path: string, cwd: string | undefined): string {
  if (path.startsWith("/") || cwd === undefined) return path;
  return `${cwd.replace(/\/+$/, "")}/${path.replace(/^\.\//, "")}`;
}
