// The import-direction rules of STYLE.md are enforced by eslint.config.js; prove they bite.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../helpers/cli.ts";

const eslint = new ESLint({ cwd: REPO_ROOT });

async function restrictedImports(filePath: string, code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO_ROOT}/${filePath}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === "no-restricted-imports").length;
}

describe("import direction", () => {
  it.each([
    [
      "src/http/x.ts",
      'import { createTeamDirectory } from "../upstream/mock/teams.ts"; export { createTeamDirectory };',
    ],
    ["src/http/x.ts", 'import { createApp } from "../server/app.ts"; export { createApp };'],
    ["src/translation/x.ts", 'import { readFileSync } from "node:fs"; export { readFileSync };'],
    ["src/translation/x.ts", 'import { Router } from "express"; export { Router };'],
    ["src/shared/x.ts", 'import { DEFAULT_CONFIG } from "../config/defaults.ts"; export { DEFAULT_CONFIG };'],
    [
      "src/models/x.ts",
      'import { errorFromUpstream } from "../upstream/errors.ts"; export { errorFromUpstream };',
    ],
    ["src/accounting/x.ts", 'import { jsonBody } from "../http/body.ts"; export { jsonBody };'],
    ["src/upstream/mock/x.ts", 'import { jsonBody } from "../../http/body.ts"; export { jsonBody };'],
    ["src/budget/x.ts", 'import { adminOnly } from "../http/admin.ts"; export { adminOnly };'],
    ["src/dashboard/x.ts", 'import { Ledger } from "../accounting/ledger.ts"; export { Ledger };'],
    [
      "src/dashboard/x.ts",
      'import { withCassettes } from "../cassettes/recorder.ts"; export { withCassettes };',
    ],
  ])("forbids %s: %s", async (file, code) => {
    expect(await restrictedImports(file, code)).toBe(1);
  });

  it.each([
    [
      "src/http/x.ts",
      'import type { UpstreamClient } from "../upstream/types.ts"; export type { UpstreamClient };',
    ],
    [
      "src/server/x.ts",
      'import { createTeamDirectory } from "../upstream/mock/teams.ts"; export { createTeamDirectory };',
    ],
    ["src/translation/x.ts", 'import { findModel } from "../models/catalog.ts"; export { findModel };'],
    ["src/dashboard/x.ts", 'import { adminOnly } from "../http/admin.ts"; export { adminOnly };'],
    ["src/budget/x.ts", 'import { SpendHistory } from "../accounting/history.ts"; export { SpendHistory };'],
  ])("allows %s: %s", async (file, code) => {
    expect(await restrictedImports(file, code)).toBe(0);
  });
});
