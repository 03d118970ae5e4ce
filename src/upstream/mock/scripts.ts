// Scripted replies (`mock.scripts`): WireMock-style stubs, first match wins. Patterns are compiled once
// at start-up, so a bad regex stops the server with a clear message instead of failing per request.
import type { ScriptRule } from "../../config/types.ts";
import type { InvokeRequest } from "../types.ts";

export type ScriptReply = ScriptRule["reply"];

interface CompiledRule {
  model: string | undefined;
  team: string | undefined;
  lastUser: RegExp | undefined;
  tool: string | undefined;
  reply: ScriptReply;
}

export interface ScriptMatcher {
  match(request: InvokeRequest, teamId: string, lastUserText: string): ScriptReply | undefined;
}

function compile(rule: ScriptRule, index: number): CompiledRule {
  let lastUser: RegExp | undefined;
  if (rule.match.last_user !== undefined) {
    try {
      lastUser = new RegExp(rule.match.last_user, "i");
    } catch (error) {
      throw new Error(
        `mock.scripts[${index}].match.last_user is not a valid regular expression: ${(error as Error).message}`,
        { cause: error },
      );
    }
  }
  return {
    model: rule.match.model?.toLowerCase(),
    team: rule.match.team,
    lastUser,
    tool: rule.match.tool,
    reply: rule.reply,
  };
}

export function compileScripts(rules: readonly ScriptRule[]): ScriptMatcher {
  const compiled = rules.map(compile);
  return {
    match(request, teamId, lastUserText) {
      const model = request.model.toLowerCase();
      for (const rule of compiled) {
        // `model` matches any part of the requested id ("claude", "nova-pro", or a full id).
        if (rule.model !== undefined && !model.includes(rule.model)) continue;
        if (rule.team !== undefined && rule.team !== teamId) continue;
        if (rule.lastUser !== undefined && !rule.lastUser.test(lastUserText)) continue;
        if (rule.tool !== undefined && !(request.tools ?? []).some((t) => t.name === rule.tool)) continue;
        return rule.reply;
      }
      return undefined;
    },
  };
}
