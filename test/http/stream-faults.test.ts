// Mid-stream faults in the one stream walk, with a face's own writer: the walk decides when, the writer
// how (its own error event), so every face gets the same faults.
import { describe, expect, it } from "vitest";
import { streamEvents, type EventWriter } from "../../src/http/stream-events.ts";
import type { GatewayError } from "../../src/shared/errors.ts";
import { createLogger } from "../../src/shared/logger.ts";
import { parseStreamFault } from "../../src/upstream/stream-faults.ts";

function recordingWriter(): EventWriter<string> & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    closed: false,
    open: () => log.push("open"),
    send: (event) => {
      log.push(event);
      return Promise.resolve();
    },
    done: () => log.push("done"),
    fail: (error: GatewayError) => log.push(`fail ${error.code}`),
  };
}

async function walk(fault: string | undefined, events = ["a", "b", "c"]): Promise<string[]> {
  const writer = recordingWriter();
  await streamEvents(writer, events, {
    textOf: (e) => e,
    pace: undefined,
    signal: new AbortController().signal,
    logger: createLogger("silent"),
    requestId: "r",
    fault: parseStreamFault(fault),
    cut: () => {
      writer.log.push("cut");
      return Promise.resolve();
    },
  });
  return writer.log;
}

describe("parseStreamFault", () => {
  it.each([
    ["cut:2", { kind: "cut", after: 2 }],
    ["ERROR:0", { kind: "error", after: 0 }],
    ["stall:1:250", { kind: "stall", after: 1, ms: 250 }],
    ["stall:1", undefined],
    ["cut:1:5", undefined],
    ["stall:1:600001", undefined],
    ["throttle", undefined],
    [undefined, undefined],
  ])("%s → %o", (value, expected) => {
    expect(parseStreamFault(value)).toEqual(expected);
  });
});

describe("streamEvents with a fault", () => {
  it("without one: every event, then the normal end", async () => {
    expect(await walk(undefined)).toEqual(["open", "a", "b", "c", "done"]);
  });
  it("error:<n>: n events, then the face's own error event", async () => {
    expect(await walk("error:2")).toEqual(["open", "a", "b", "fail stream_interrupted"]);
  });
  it("cut:<n>: n events, then the connection is cut (no end, no error event)", async () => {
    expect(await walk("cut:1")).toEqual(["open", "a", "cut"]);
  });
  it("stall:<n>:<ms>: the stream goes on after the pause", async () => {
    expect(await walk("stall:1:1")).toEqual(["open", "a", "b", "c", "done"]);
  });
  it("a fault past the last event happens before the end", async () => {
    expect(await walk("error:9")).toEqual(["open", "a", "b", "c", "fail stream_interrupted"]);
  });
});
