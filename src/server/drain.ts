// Graceful shutdown of an HTTP server: stop accepting, let in-flight responses (streams included)
// finish, close keep-alive sockets as they go idle, and cut whatever is left after `timeoutMs`.
import type { Server } from "node:http";

export function drain(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const idleSweep = setInterval(() => server.closeIdleConnections(), 25);
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    idleSweep.unref();
    deadline.unref();
    server.close(() => {
      clearInterval(idleSweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}
