// Writing one response as a sequence of frames, for every stream format (SSE, AWS event-stream): frames
// written in the same tick go out in one socket write (cork now, uncork on the next tick) — a whole
// unpaced stream is one write instead of one per frame, a paced frame still leaves at once — and a
// frame resolves when the socket can take more (backpressure) or the client has gone.
import type { ServerResponse } from "node:http";

export interface FrameWriter {
  /** 200 with the stream's headers, sent now (before the first frame is ready: the client sees the answer start). */
  open(headers: Readonly<Record<string, string>>): void;
  /** True once the client has gone away: stop working. */
  readonly closed: boolean;
  /** One frame; resolves when the socket can take more. Nothing is written once the client is gone. */
  write(frame: string | Uint8Array): Promise<void>;
  /** The last frame (when given and the client is still there), what is corked, then end the response. */
  end(frame?: string | Uint8Array): void;
}

export function createFrameWriter(res: ServerResponse): FrameWriter {
  let closed = false;
  res.on("close", () => {
    closed = true;
  });
  const gone = (): boolean => closed || res.destroyed;
  let corked = false;
  const flush = (): void => {
    if (!corked) return;
    corked = false;
    if (!res.writableEnded) res.uncork();
  };
  const frame = (data: string | Uint8Array): boolean => {
    if (!corked) {
      corked = true;
      res.cork();
      process.nextTick(flush);
    }
    return res.write(data);
  };
  return {
    open(headers) {
      res.statusCode = 200;
      for (const name in headers) res.setHeader(name, headers[name] as string);
      res.flushHeaders();
    },
    get closed() {
      return gone();
    },
    write(data) {
      if (gone() || frame(data)) return Promise.resolve();
      return new Promise((resolve) => {
        const settle = (): void => {
          res.off("drain", settle);
          res.off("close", settle);
          resolve();
        };
        res.on("drain", settle);
        res.on("close", settle);
      });
    },
    end(data) {
      if (data !== undefined && !gone()) frame(data);
      flush(); // what is corked goes out before the end
      res.end();
    },
  };
}
