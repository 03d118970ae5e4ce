// The logger's second line of defence: credential keys passed to a log call by mistake are censored.
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "../../src/shared/logger.ts";

function capture(): { lines: string[]; stream: Writable } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString("utf8"));
      callback();
    },
  });
  return { lines, stream };
}

describe("createLogger", () => {
  it("censors credential keys and credential headers", () => {
    const { lines, stream } = capture();
    const logger = createLogger("info", stream);
    logger.info(
      {
        api_token: "secret-1",
        apiToken: "secret-2",
        authorization: "Bearer secret-3",
        credentials: { teamId: "t", apiToken: "secret-4" },
        headers: { authorization: "secret-5", "x-api-token": "secret-6", "x-api-key": "secret-7" },
        status: 200,
      },
      "oops",
    );
    const text = lines.join("");
    for (let i = 1; i <= 7; i++) expect(text).not.toContain(`secret-${i}`);
    expect(JSON.parse(text)).toMatchObject({ status: 200, api_token: "[REDACTED]", msg: "oops" });
  });

  it("censors credential properties of a logged error", () => {
    const { lines, stream } = capture();
    const logger = createLogger("info", stream);
    const err = Object.assign(new Error("boom"), {
      api_token: "secret-8",
      credentials: { apiToken: "secret-9" },
    });
    logger.error({ err }, "failed");
    const text = lines.join("");
    expect(text).not.toContain("secret-8");
    expect(text).not.toContain("secret-9");
    expect(text).toContain("boom");
  });
});
