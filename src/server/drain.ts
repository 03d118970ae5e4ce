// Graceful shutdown of an HTTP server: stop accepting, let in-flight responses (streams included)
// finish, close keep-alive sockets as they go idle, and cut whatever is left after `timeoutMs`.
import type { Server } from "node:http";

/** How long streams ended at the deadline get to flush their error frame before sockets are cut. */
const FINAL_FRAME_MS = 500;

/**
 * `atDeadline` runs when `timeoutMs` is up, before anything is cut: open streams end there with their
 * face's error frame (a complete response), so only what is still open FINAL_FRAME_MS later is cut.
 */
export function drain(server: Server, timeoutMs: number, atDeadline?: () => void): Promise<void> {
  return new Promise((resolve) => {
    const idleSweep = setInterval(() => server.closeIdleConnections(), 25);
    let cut: NodeJS.Timeout | undefined;
    const deadline = setTimeout(() => {
      atDeadline?.();
      cut = setTimeout(() => server.closeAllConnections(), atDeadline === undefined ? 0 : FINAL_FRAME_MS);
      cut.unref();
    }, timeoutMs);
    idleSweep.unref();
    deadline.unref();
    server.close(() => {
      clearInterval(idleSweep);
      clearTimeout(deadline);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}
