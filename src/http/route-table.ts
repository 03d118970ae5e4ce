// Which face serves a POST path: exact paths first, matched as Express matches them (case-insensitive,
// an optional trailing slash), then path patterns with named groups, anchored, their groups URL-decoded.
import type { HotRoute } from "./exchange.ts";

export interface RouteMatch {
  route: HotRoute;
  /** The route's own spelling of the path (or its label): access log, metrics, error shapes. */
  label: string;
  params: Record<string, string>;
}

const NO_PARAMS: Record<string, string> = Object.freeze({}) as Record<string, string>;

function canonical(path: string): string {
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  return trimmed.toLowerCase();
}

/** A path segment as sent (`%3A` in a Bedrock ARN); a malformed escape is kept as it came. */
function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export function createRouteTable(routes: readonly HotRoute[]): (path: string) => RouteMatch | undefined {
  const exact = new Map<string, { route: HotRoute; label: string }>();
  const patterns: { route: HotRoute; label: string; pattern: RegExp }[] = [];
  for (const route of routes) {
    for (const path of route.paths) exact.set(canonical(path), { route, label: path });
    for (const p of route.patterns ?? []) {
      const pattern = new RegExp(`^${p.source}/?$`, p.flags.includes("i") ? "i" : "");
      patterns.push({ route, pattern, label: route.label ?? p.source });
    }
  }

  return function match(path) {
    const hit = exact.get(path) ?? exact.get(canonical(path));
    if (hit !== undefined) return { ...hit, params: NO_PARAMS };
    for (const entry of patterns) {
      const groups = entry.pattern.exec(path)?.groups;
      if (groups === undefined) continue;
      const params: Record<string, string> = {};
      for (const [name, raw] of Object.entries(groups)) params[name] = decodeSegment(raw);
      return { route: entry.route, label: entry.label, params };
    }
    return undefined;
  };
}
