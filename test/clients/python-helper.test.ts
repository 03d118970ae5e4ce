// The Python client venv the face tests share: it installs, and each SDK imports.
import { describe, expect, it } from "vitest";
import { pythonClients, runPython } from "../helpers/python.ts";

const py = pythonClients();

describe.skipIf(py.skip !== undefined)("python clients", () => {
  it("imports openai, anthropic and boto3 from the test venv", async () => {
    const out = await runPython(
      py.python!,
      "import openai, anthropic, boto3, pydantic; print(openai.__name__, anthropic.__name__, boto3.__name__)",
    );
    expect(out.trim()).toBe("openai anthropic boto3");
  }, 320_000);
});
