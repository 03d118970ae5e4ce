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
  { ignores: ["node_modules/**", "dist/**", "coverage/**", "bench/results/**", "fixtures/**"] },
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
    files: ["src/shared/**"],
    rules: forbid(
      ["config", "models", "openai", "http", "translation", "upstream", "cassettes", "accounting", "server"],
      "shared/ imports nothing from the rest of src/.",
    ),
  },
  {
    files: ["src/models/**", "src/openai/**", "src/config/**"],
    rules: forbid(
      ["http", "translation", "upstream", "cassettes", "accounting", "server"],
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
              group: ["http", "cassettes", "accounting", "server", "upstream/live", "upstream/mock"].flatMap(
                (f) => [`**/${f}`, `**/${f}/**`],
              ),
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
      ["http", "translation", "upstream", "cassettes", "server"],
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
    rules: forbid(["http", "server"], "UpstreamClient implementations never see the HTTP layer."),
  },
  {
    // A face (src/faces/<name>/) builds on the shared core and pure translation; faces never import each
    // other. Of the OpenAI wire folder only the typed JSON readers (openai/read.ts) are shared.
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
              group: ["**/openai/**", "!**/openai/read.ts"],
              message: "faces/ may import only openai/read.ts (the typed JSON readers) from openai/.",
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
              group: ["server", "cassettes", "upstream/live", "upstream/mock"].flatMap((f) => [
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
