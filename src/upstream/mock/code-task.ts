// "Write a Python function that adds two numbers": a code request answered the way a model answers it —
// one sentence, then a fenced block in the language asked for (what code-extraction pipelines look
// for), with a function named after the ask. The body is a placeholder: the mock writes no real code.
// Pure; a row of tasks.ts.

/** Fence tag and a stub for `name` in each language a prompt may name. */
const LANGUAGES: Readonly<Record<string, { fence: string; stub: (name: string, what: string) => string }>> = {
  python: {
    fence: "python",
    stub: (n, w) => `def ${snake(n)}(*args, **kwargs):\n    """${w}"""\n    raise NotImplementedError`,
  },
  javascript: {
    fence: "javascript",
    stub: (n, w) => `// ${w}\nfunction ${camel(n)}(...args) {\n  throw new Error("not implemented");\n}`,
  },
  typescript: {
    fence: "typescript",
    stub: (n, w) =>
      `// ${w}\nexport function ${camel(n)}(...args: unknown[]): unknown {\n  throw new Error("not implemented");\n}`,
  },
  java: {
    fence: "java",
    stub: (n, w) =>
      `// ${w}\npublic static Object ${camel(n)}(Object... args) {\n    throw new UnsupportedOperationException();\n}`,
  },
  go: {
    fence: "go",
    stub: (n, w) =>
      `// ${camel(n)}: ${w}\nfunc ${camel(n)}(args ...any) any {\n\tpanic("not implemented")\n}`,
  },
  rust: { fence: "rust", stub: (n, w) => `/// ${w}\nfn ${snake(n)}() {\n    todo!()\n}` },
  bash: {
    fence: "bash",
    stub: (n, w) => `# ${w}\n${snake(n)}() {\n  echo "not implemented" >&2\n  return 1\n}`,
  },
  sql: { fence: "sql", stub: (_n, w) => `-- ${w}\nSELECT *\nFROM items\nLIMIT 10;` },
};

const ALIASES: Readonly<Record<string, string>> = {
  js: "javascript",
  ts: "typescript",
  golang: "go",
  shell: "bash",
};

export const CODE_ASK =
  /^\s*(?:please\s+)?(?:write|create|implement|generate|give me|show me)\s+(?:me\s+)?(?:an?\s+|some\s+)?(python|javascript|js|typescript|ts|java|golang|go|rust|bash|shell|sql)\s+(?:function|script|program|snippet|code|query|method|class)\b(?:\s+(?:that|which|to|for)\s+([^\n]{1,80}?))?\s*[.!?]*\s*$/i;

function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z][a-z0-9]*/g) ?? []).slice(0, 4);
}
const snake = (text: string): string => words(text).join("_") || "solution";
function camel(text: string): string {
  const [first = "solution", ...rest] = words(text);
  return first + rest.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join("");
}

/** The answer to a code request `CODE_ASK` matched. */
export function codeAnswer(match: RegExpExecArray): string {
  const asked = (match[1] ?? "python").toLowerCase();
  const language = LANGUAGES[ALIASES[asked] ?? asked] ?? LANGUAGES.python;
  const what = (match[2] ?? "does what was asked").trim();
  const sentence = `${what.charAt(0).toUpperCase()}${what.slice(1)}.`;
  return `Here is a starting point:\n\n\`\`\`${language?.fence ?? "python"}\n${language?.stub(what, sentence) ?? ""}\n\`\`\``;
}
