import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/load.ts";
import { DEFAULT_CONFIG } from "../../src/config/defaults.ts";

function tempConfig(yaml: string): string {
  const dir = mkdtempSync(join(tmpdir(), "bpg-config-"));
  const file = join(dir, "config.yaml");
  writeFileSync(file, yaml);
  return file;
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig precedence", () => {
  it("uses the built-in defaults when there is no file, env or flag", () => {
    const { config, file } = loadConfig({ implicitFile: false });
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(file).toBeNull();
  });

  it("applies file < env < flags, key by key", () => {
    const file = tempConfig("mode: live\nserver:\n  port: 1111\n  host: 127.0.0.2\nmock:\n  seed: 5\n");
    const { config } = loadConfig({
      file,
      env: { BPG_PORT: "2222", BPG_SEED: "6" },
      overrides: { server: { port: 3333 } as never },
    });
    expect(config.mode).toBe("live"); // file only
    expect(config.server.host).toBe("127.0.0.2"); // file only
    expect(config.mock.seed).toBe(6); // env beats file
    expect(config.server.port).toBe(3333); // flag beats env
    expect(config.server.log_level).toBe("info"); // default
  });

  it("prefers BPG_PORT over PORT and parses list and string variables", () => {
    const { config } = loadConfig({
      implicitFile: false,
      env: {
        PORT: "1000",
        BPG_PORT: "2000",
        BPG_API_KEYS: "a, b,,c",
        BEDROCK_TEAM_ID: "team_x",
        BEDROCK_API_TOKEN: "tok",
        BEDROCK_API_ENDPOINT: "http://127.0.0.1:9/prod/invoke",
        BPG_UPSTREAM: "mock",
        BPG_CASSETTE_DIR: "cass",
        BPG_CASSETTE: "suite/one",
        BPG_STATE: "state.json",
        BPG_MODE: "replay",
        BPG_HOST: "0.0.0.0",
      },
    });
    expect(config.server.port).toBe(2000);
    expect(config.server.api_keys).toEqual(["a", "b", "c"]);
    expect(config.upstream).toMatchObject({
      team_id: "team_x",
      api_token: "tok",
      kind: "mock",
      url: "http://127.0.0.1:9/prod/invoke",
    });
    expect(config.recording).toMatchObject({ dir: "cass", cassette: "suite/one" });
    expect(config.mock.state).toBe("state.json");
    expect(config.mode).toBe("replay");
    expect(config.server.host).toBe("0.0.0.0");
  });

  it("reads BPG_CONFIG when no file is given, and the explicit file over it", () => {
    const a = tempConfig("mode: live\n");
    const b = tempConfig("mode: record\n");
    expect(loadConfig({ env: { BPG_CONFIG: a } }).config.mode).toBe("live");
    expect(loadConfig({ file: b, env: { BPG_CONFIG: a } }).config.mode).toBe("record");
  });

  it("expands ${VAR} and ${VAR:-fallback} in the file; unset variables become empty", () => {
    const file = tempConfig(
      "upstream:\n  team_id: ${TEAM}\n  api_token: pre-${TOKEN:-none}\nrecording:\n  cassette: ${MISSING:-fallback}\n",
    );
    const { config } = loadConfig({ file, env: { TEAM: "t1" } });
    expect(config.upstream.team_id).toBe("t1");
    expect(config.upstream.api_token).toBe("pre-none");
    expect(config.recording.cassette).toBe("fallback");
  });

  it("names an unset ${VAR} when the empty text it left is not a valid value", () => {
    const file = tempConfig("server:\n  log_level: ${QA_LL}\n  port: ${QA_PORT:-8787}\n");
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^server\.log_level \(from \$\{QA_LL\}, which is not set\): must be one of /);
    // Set in the environment, the same variable is simply the value.
    expect(loadConfig({ file, env: { QA_LL: "warn" } }).config.server.log_level).toBe("warn");
  });

  it("merges alias maps and replaces lists", () => {
    const file = tempConfig(
      "models:\n  aliases:\n    mine: us.amazon.nova-pro-v1:0\nmock:\n  teams:\n    - {team_id: a, api_token: b, budget_limit: 1}\n",
    );
    const { config } = loadConfig({
      file,
      overrides: { models: { aliases: { other: "us.amazon.nova-lite-v1:0" } } },
    });
    expect(config.models.aliases).toEqual({
      mine: "us.amazon.nova-pro-v1:0",
      other: "us.amazon.nova-lite-v1:0",
    });
    expect(config.mock.teams).toEqual([{ team_id: "a", api_token: "b", budget_limit: 1 }]);
  });

  it("returns a deeply frozen config", () => {
    const { config } = loadConfig({ implicitFile: false });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.server)).toBe(true);
    expect(Object.isFrozen(config.mock.teams[0])).toBe(true);
  });
});

describe("loadConfig validation", () => {
  it("names an unknown key with its path", () => {
    const file = tempConfig("server:\n  prot: 8080\n");
    expect(problemsOf(() => loadConfig({ file }))).toEqual(["server.prot: unknown key"]);
  });

  it("reports every problem at once, with paths and reasons", () => {
    const file = tempConfig(
      [
        "mode: turbo",
        "typo_top: 1",
        "server:",
        "  port: 70000",
        "  log_level: loud",
        "upstream:",
        "  url: ftp://example",
        "  retries: -1",
        "mock:",
        "  teams:",
        "    - {team_id: a, api_token: '', budget_limit: -5, colour: red}",
        "  faults: {throttle: 2}",
        "recording:",
        "  cassette: ../escape",
        "",
      ].join("\n"),
    );
    const problems = problemsOf(() => loadConfig({ file }));
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^mode: must be one of "mock", "live", "record", "replay", "auto"$/),
        "typo_top: unknown key",
        expect.stringMatching(/^server\.port: must be <= 65535$/),
        expect.stringMatching(/^server\.log_level: must be one of /),
        expect.stringMatching(/^upstream\.url: must match pattern/),
        expect.stringMatching(/^upstream\.retries: must be >= 0$/),
        "mock.teams[0].colour: unknown key",
        expect.stringMatching(/^mock\.teams\[0\]\.api_token: must NOT have fewer than 1 characters$/),
        expect.stringMatching(/^mock\.teams\[0\]\.budget_limit: must be >= 0$/),
        expect.stringMatching(/^mock\.faults\.throttle: must be <= 1$/),
        expect.stringMatching(/^recording\.cassette: must match pattern/),
      ]),
    );
    expect(problems).toHaveLength(11);
  });

  it("says which environment variable carried a bad value", () => {
    expect(problemsOf(() => loadConfig({ implicitFile: false, env: { BPG_PORT: "eighty" } }))).toEqual([
      "server.port (from BPG_PORT): must be integer",
    ]);
    expect(problemsOf(() => loadConfig({ implicitFile: false, env: { BPG_MODE: "fast" } }))[0]).toMatch(
      /^mode \(from BPG_MODE\): must be one of/,
    );
  });

  it("rejects a bad override (flag) value", () => {
    expect(
      problemsOf(() => loadConfig({ implicitFile: false, overrides: { mock: { seed: -1 } as never } })),
    ).toEqual(["mock.seed: must be >= 0"]);
  });

  it("reports YAML syntax errors with the file name", () => {
    const file = tempConfig("server:\n  port: [1, 2\n");
    const problems = problemsOf(() => loadConfig({ file }));
    expect(problems[0]).toContain(file);
  });

  it("rejects duplicate keys and non-mapping documents", () => {
    expect(problemsOf(() => loadConfig({ file: tempConfig("mode: mock\nmode: live\n") }))[0]).toMatch(
      /unique|duplicate/i,
    );
    expect(problemsOf(() => loadConfig({ file: tempConfig("- a\n- b\n") }))[0]).toMatch(/must be a mapping/);
  });

  it("fails for an explicit file that does not exist, but not for a missing implicit one", () => {
    expect(problemsOf(() => loadConfig({ file: "/nonexistent/bpg.yaml" }))[0]).toMatch(/file not found/);
    const dir = mkdtempSync(join(tmpdir(), "bpg-empty-"));
    expect(loadConfig({ cwd: dir }).file).toBeNull();
  });

  it("accepts an empty file as all defaults", () => {
    expect(loadConfig({ file: tempConfig("") }).config).toEqual(DEFAULT_CONFIG);
  });

  it("gives ${VAR} expansions the type of their key, and keeps numeric-looking ids as strings", () => {
    const file = tempConfig(
      [
        "server:",
        "  port: ${MYPORT:-8787}",
        "translation:",
        "  tool_emulation: ${EMULATE}",
        "upstream:",
        "  team_id: ${TEAM}",
        "",
      ].join("\n"),
    );
    const { config } = loadConfig({ file, env: { MYPORT: "18999", EMULATE: "true", TEAM: "022" } });
    expect(config.server.port).toBe(18999);
    expect(config.translation.tool_emulation).toBe(true);
    expect(config.upstream.team_id).toBe("022");
    expect(loadConfig({ file, env: { EMULATE: "false", TEAM: "t" } }).config.server.port).toBe(8787);
  });

  it("refuses prototype keys instead of merging them", () => {
    const file = tempConfig("__proto__:\n  polluted: true\nserver:\n  constructor: 1\n");
    expect(problemsOf(() => loadConfig({ file }))).toEqual([
      "__proto__: unknown key",
      "server.constructor: unknown key",
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("checks team ids are unique and model ids exist", () => {
    const file = tempConfig(
      [
        "mock:",
        "  teams:",
        "    - {team_id: a, api_token: x, budget_limit: 1}",
        "    - {team_id: a, api_token: y, budget_limit: 1, allowed_models: [us.amazon.nova-pro-v1:0, gpt-9]}",
        "models:",
        "  aliases:",
        "    mine: us.amazon.nova-pro-v1:0",
        "    broken: no.such-model",
        "",
      ].join("\n"),
    );
    expect(problemsOf(() => loadConfig({ file }))).toEqual([
      'mock.teams[1].team_id: "a" is used by another team',
      'mock.teams[1].allowed_models[1]: unknown model id "gpt-9"',
      'models.aliases.broken: unknown model id "no.such-model"',
    ]);
  });

  it("validates scripted replies", () => {
    const file = tempConfig("mock:\n  scripts:\n    - match: {model: x}\n      reply: {txt: hi}\n");
    expect(problemsOf(() => loadConfig({ file })).join("\n")).toMatch(/mock\.scripts\[0\]\.reply/);
  });
});
