// Shared by the bench's own servers: listen on 127.0.0.1 at a free port and print the one line the
// runner waits for (the same shape as the gateway's start-up line: it holds the URL).
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";

export async function listenAndAnnounce(server: Server, name: string): Promise<void> {
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`${name} listening on http://127.0.0.1:${port}\n`);
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

/** Read a whole request body as a string, refusing more than `limit` bytes. */
export function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error("body too large"));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
