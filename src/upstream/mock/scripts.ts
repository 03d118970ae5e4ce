// Scripted replies (`mock.scripts`): WireMock-style stubs, first match wins. Patterns are compiled once
// at start-up, so a bad regex stops the server with a clear message instead of failing per request.
// The run-time stubs (stubs.ts) match with the same `compileMatch`.
import type { ScriptMatch, ScriptReply, ScriptRule } from "../../config/types.ts";
import type { InvokeRequest } from "../types.ts";

export type { ScriptReply } from "../../config/types.ts";

/** Does a request (with its team and last user text) satisfy a rule's `match`? */
export type MatchTest = (request: InvokeRequest, teamId: string, lastUserText: string) => boolean;

export interface ScriptMatcher {
  match(request: InvokeRequest, teamId: string, lastUserText: string): ScriptReply | undefined;
}

/** Compile a rule's `match`; a bad `last_user` pattern throws naming `where`. */
export function compileMatch(match: ScriptMatch, where: string): MatchTest {
  let lastUser: RegExp | undefined;
  if (match.last_user !== undefined) {
    try {
      lastUser = new RegExp(match.last_user, "i");
    } catch (error) {
      throw new Error(`${where}.last_user is not a valid regular expression: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
  const model = match.model?.toLowerCase();
  const { team, tool } = match;
  return (request, teamId, lastUserText) => {
    // `model` matches any part of the requested id ("claude", "nova-pro", or a full id).
    if (model !== undefined && !request.model.toLowerCase().includes(model)) return false;
    if (team !== undefined && team !== teamId) return false;
    if (lastUser !== undefined && !lastUser.test(lastUserText)) return false;
    if (tool !== undefined && !(request.tools ?? []).some((t) => t.name === tool)) return false;
    return true;
  };
}

export function compileScripts(rules: readonly ScriptRule[]): ScriptMatcher {
  const compiled = rules.map((rule, i) => ({
    test: compileMatch(rule.match, `mock.scripts[${i}].match`),
    reply: rule.reply,
  }));
  return {
    match(request, teamId, lastUserText) {
      return compiled.find((rule) => rule.test(request, teamId, lastUserText))?.reply;
    },
  };
}
