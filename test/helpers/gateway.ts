// In-process gateways for tests: quiet by default, logs captured when asked.
import { Writable } from "node:stream";
import { startGateway, type Gateway, type StartGatewayOptions } from "../../src/server/gateway.ts";
import { createLogger } from "../../src/shared/logger.ts";

export interface CapturedLog {
  lines: string[];
  text(): string;
}

export function captureLog(level = "info"): { logger: ReturnType<typeof createLogger>; log: CapturedLog } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(
        ...chunk
          .toString()
          .split("\n")
          .filter((l) => l.length > 0),
      );
      done();
    },
  });
  return { logger: createLogger(level, stream), log: { lines, text: () => lines.join("\n") } };
}

export async function startTestGateway(options: StartGatewayOptions = {}): Promise<Gateway> {
  const server = { log_level: "silent", ...options.server } as NonNullable<StartGatewayOptions["server"]>;
  return startGateway({ port: 0, ...options, server });
}
