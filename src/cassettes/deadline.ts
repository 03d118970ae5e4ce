// Cassette I/O with a deadline: the request gets its 500 in bounded time, whatever the disk does.
import { GatewayError } from "../shared/errors.ts";

/**
 * A disk that stops answering (a stuck network mount, a FIFO, a kernel file system) must not hold a
 * request forever: past this, the request gets `500 cassette_io_timeout` while the I/O goes on alone.
 */
export const CASSETTE_IO_TIMEOUT_MS = 10_000;

/** `work`, or a 500 naming the cassette once `ms` have passed; the timer never holds the process open. */
export function withinDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new GatewayError(
          `${what} did not finish within ${ms} ms; is the cassette directory's disk answering?`,
          {
            status: 500,
            type: "api_error",
            code: "cassette_io_timeout",
          },
        ),
      );
    }, ms);
    timer.unref();
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
