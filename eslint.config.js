// Lint rules, including the import-direction rules of STYLE.md: each src/ folder may only import
// the layers listed for it, so the dependency arrows keep pointing one way.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** Forbid importing the named src/ folders (matched anywhere in a relative import path). */
function forbid(folders, message) {
  return {
    "no-restricted-imports": [
      "error",
      { patterns: [{ group: folders.flatMap((f) => [`**/${f}`, `**/${f}/**`]), message }] },
    ],
  };
}

const IO_MODULES = ["node:fs", "node:fs/promises", "node:http", "node:net", "express", "undici"];

export default tseslint.config(
  {
    ignores: [
      "node_modules/**",
      "dist/**",
      "coverage/**",
      "bench/results/**",
      "fixtures/**",
      ".readme-snippets/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      eqeqeq: ["error", "smart"],
    },
  },
  {
    // The dashboard's browser script: plain JavaScript served as is, with the few browser globals it uses.
    files: ["src/dashboard/page/**/*.js"],
    languageOptions: {
      sourceType: "script",
      globals: { document: "readonly", fetch: "readonly", setInterval: "readonly", uPlot: "readonly" },
    },
  },
  {
    files: ["src/shared/**"],
    rules: forbid(
      [
        "config",
        "models",
        "openai",
        "http",
        "translation",
        "upstream",
        "cassettes",
        "accounting",
        "server",
        "budget",
        "dashboard",
      ],
      "shared/ imports nothing from the rest of src/.",
    ),
  },
  {
    files: ["src/models/**", "src/openai/**", "src/config/**"],
    rules: forbid(
      ["http", "translation", "upstream", "cassettes", "accounting", "server", "budget", "dashboard"],
      "models/, openai/ and config/ may import only shared/ (and each other's types).",
    ),
  },
  {
    files: ["src/translation/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: IO_MODULES.map((name) => ({ name, message: "translation/ is pure: no I/O." })),
          patterns: [
            {
              group: [
                "http",
                "faces",
                "cassettes",
                "accounting",
                "server",
                "upstream/live",
                "upstream/mock",
              ].flatMap((f) => [`**/${f}`, `**/${f}/**`]),
              message: "translation/ may import openai/, models/, shared/ and the upstream wire types only.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/accounting/**"],
    rules: forbid(
      ["http", "translation", "upstream", "cassettes", "server", "budget", "dashboard"],
      "accounting/ may import models/ and shared/ only.",
    ),
  },
  {
    files: ["src/upstream/*.ts"],
    rules: forbid(
      ["http", "translation", "cassettes", "server", "upstream/live", "upstream/mock"],
      "The upstream contract files import no implementation.",
    ),
  },
  {
    files: ["src/upstream/live/**", "src/upstream/mock/**", "src/cassettes/**"],
    rules: forbid(
      ["http", "server", "budget", "dashboard"],
      "UpstreamClient implementations never see the HTTP layer.",
    ),
  },
  {
    files: ["src/budget/**"],
    rules: forbid(
      ["http", "server", "dashboard", "translation", "upstream/live", "upstream/mock"],
      "budget/ reads answers through the UpstreamClient interface and the simulator's accounting; it serves no HTTP.",
    ),
  },
  {
    files: ["src/dashboard/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["server", "cassettes", "upstream", "translation"].flatMap((f) => [
                `**/${f}`,
                `**/${f}/**`,
              ]),
              message:
                "dashboard/ serves what budget/ computes; it never reaches an upstream or a cassette itself.",
            },
            {
              group: ["**/budget/**", "!**/budget/types.ts", "!**/budget/cassettes.ts"],
              message: "dashboard/ may import only budget/types.ts and the CassettesView type.",
            },
            {
              group: ["**/accounting/**", "!**/accounting/types.ts"],
              message: "dashboard/ may import only accounting/types.ts (interfaces).",
            },
          ],
        },
      ],
    },
  },
  {
    // A face (src/faces/<face>/) meets the core through http/, translation/, openai/ wire types, models/,
    // shared/ and the upstream interface; never another face, a concrete upstream, cassettes,
    // accounting or server/.
    files: ["src/faces/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["server", "cassettes", "accounting", "upstream/live", "upstream/mock"].flatMap((f) => [
                `**/${f}`,
                `**/${f}/**`,
              ]),
              message: "faces/ talk to the core through http/, translation/ and the upstream interface only.",
            },
            { group: ["../*/**", "!../../**", "**/faces/**"], message: "A face never imports another face." },
          ],
        },
      ],
    },
  },
  {
    files: ["src/faces/**"],
    rules: forbid(
      ["server", "cassettes", "accounting", "upstream/live", "upstream/mock"],
      "faces/ may import http/, translation/, models/, shared/ and the upstream interface files only.",
    ),
  },
  {
    // A face (src/faces/<name>/) builds on the shared core and pure translation; faces never import each
    // other. Of the OpenAI wire folder only the typed JSON readers (openai/read.ts) and the wire types
    // (openai/types.ts: the Responses face speaks through the Chat Completions translation) are shared.
    files: ["src/faces/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["server", "cassettes", "accounting", "upstream/live", "upstream/mock"].flatMap((f) => [
                `**/${f}`,
                `**/${f}/**`,
              ]),
              message:
                "faces/ may import http/, translation/, models/, shared/ and the upstream contract files only.",
            },
            {
              group: ["**/openai/**", "!**/openai/read.ts", "!**/openai/types.ts"],
              message:
                "faces/ may import only openai/read.ts (the typed JSON readers) and openai/types.ts (the wire types the shared translation takes) from openai/.",
            },
            {
              group: ["../*/**", "!../../**"],
              message:
                "A face never imports another face; shared code belongs in translation/, models/ or http/.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["src/http/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["server", "cassettes", "faces", "upstream/live", "upstream/mock"].flatMap((f) => [
                `**/${f}`,
                `**/${f}/**`,
              ]),
              message: "http/ talks to the UpstreamClient interface, never to a concrete implementation.",
            },
            {
              group: ["**/accounting/**", "!**/accounting/types.ts", "!**/accounting/pricing.ts"],
              message:
                "http/ may import only accounting/types.ts (interfaces) and accounting/pricing.ts (pure arithmetic).",
            },
          ],
        },
      ],
    },
  },
);
