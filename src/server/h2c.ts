// HTTP/2 on the gateway's one port (CONTRACT §3d). The AWS SDK for JavaScript v3 Bedrock Runtime client
// speaks HTTP/2 with prior knowledge to an http:// endpoint (cleartext, no upgrade), boto3 and every
// other client HTTP/1.1. Each new connection's first bytes decide: the HTTP/2 connection preface goes to
// a node:http2 server, anything else to the HTTP/1.1 server as before. Both reach the same request
// listener (http2's compatibility API), so every face and route work over either.
import type { Server } from "node:http";
import type { Http2Server, Http2ServerRequest, ServerHttp2Session } from "node:http2";
import type { Socket } from "node:net";
import { Duplex } from "node:stream";

const http2 = process.getBuiltinModule("node:http2");

/** RFC 9113 §3.4: every HTTP/2 connection with prior knowledge opens with these 24 octets. */
const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "latin1");
/** No HTTP/1.1 method starts with these four bytes, so four are enough to decide. */
const DECIDING_BYTES = 4;

export type RequestListener = (req: never, res: never) => void;

export interface Http2Port {
  /** Close every HTTP/2 session gracefully (GOAWAY, in-flight streams finish); destroy them after. */
  close(): void;
  destroy(): void;
}

/**
 * What the compatibility API leaves out that the shared steps read: `Host` (HTTP/2 sends `:authority`),
 * and a body marker — an HTTP/2 request may carry a body with no Content-Length, which the body reader
 * would otherwise take for "no body".
 */
function asHttp1Headers(req: Http2ServerRequest): void {
  const headers = req.headers as Record<string, string | string[] | undefined>;
  if (headers.host === undefined && typeof headers[":authority"] === "string")
    headers.host = headers[":authority"];
  if (headers["content-length"] === undefined && !req.stream.endAfterHeaders)
    headers["transfer-encoding"] = "chunked";
}

/**
 * The socket as a stream that first replays the bytes already read. HTTP/2 sessions read a net socket's
 * handle directly, past anything unshifted into its JS buffer, so the session gets this stream instead
 * (Node wraps a plain Duplex itself); the addresses the shared steps read are passed through.
 */
function replaying(socket: Socket, head: Buffer): Duplex {
  const duplex = new Duplex({
    read() {
      socket.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      socket.write(chunk, callback);
    },
    final(callback) {
      // The HTTP/1.1 server's sockets allow half-open connections; an HTTP/2 session that ended (after
      // GOAWAY) has nothing left to read, so the socket closes once our last bytes are out.
      socket.end(() => socket.destroy());
      callback();
    },
    destroy(error, callback) {
      socket.destroy(error ?? undefined);
      callback(error);
    },
  });
  for (const key of ["remoteAddress", "remotePort", "remoteFamily", "localAddress", "localPort"] as const)
    Object.defineProperty(duplex, key, { get: () => socket[key] });
  duplex.push(head);
  socket.on("data", (chunk: Buffer) => {
    if (!duplex.push(chunk)) socket.pause();
  });
  socket.on("end", () => duplex.push(null));
  socket.on("close", () => duplex.destroy());
  socket.on("error", (error) => duplex.destroy(error));
  return duplex;
}

/**
 * Node wraps a plain Duplex in an internal socket (JSStreamSocket) whose peer address is unknown, and
 * `req.socket.remoteAddress` reads that wrapper (the admin routes' loopback check, Express's req.ip).
 * Its address getters fall back to `_peername`/`_sockname`, set here — through the session's socket
 * proxy — from the replaying stream (`.stream` of the wrapper), which passes the real socket's through.
 */
function peerThrough(session: ServerHttp2Session): void {
  const wrapper = session.socket as unknown as {
    stream?: {
      remoteAddress?: string;
      remotePort?: number;
      remoteFamily?: string;
      localAddress?: string;
      localPort?: number;
    };
    _peername?: object;
    _sockname?: object;
  };
  const original = wrapper.stream;
  if (original?.remoteAddress === undefined) return;
  wrapper._peername = {
    address: original.remoteAddress,
    port: original.remotePort,
    family: original.remoteFamily,
  };
  wrapper._sockname = {
    address: original.localAddress,
    port: original.localPort,
    family: original.remoteFamily,
  };
}

/** Route each new connection of `server` by its first bytes; returns the HTTP/2 side's controls. */
export function acceptHttp2(
  server: Server,
  listener: (req: Http2ServerRequest, res: never) => void,
): Http2Port {
  const h2: Http2Server = http2.createServer({}, (req, res) => {
    asHttp1Headers(req);
    listener(req, res as never);
  });
  const sessions = new Set<ServerHttp2Session>();
  let closing = false;
  h2.on("session", (session: ServerHttp2Session) => {
    sessions.add(session);
    peerThrough(session);
    // A connection accepted just before close() opens its session after it: close that one at once.
    if (closing) session.close();
    session.on("close", () => sessions.delete(session));
  });

  // http.Server parses HTTP/1.1 in its own 'connection' listener: keep it, call it only for HTTP/1.1.
  const http1 = server.listeners("connection") as ((socket: Socket) => void)[];
  server.removeAllListeners("connection");
  // Connections that have not sent their first bytes yet belong to neither server: close() ends them
  // (they have asked for nothing), as the HTTP/1.1 server ends its idle connections.
  const undecided = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    let head: Buffer = Buffer.alloc(0);
    // A peer that never sends its first bytes is not kept for ever: as long as a request may take to
    // send its headers on HTTP/1.1 (server.headersTimeout).
    const silent = setTimeout(() => socket.destroy(), server.headersTimeout || 60_000);
    silent.unref();
    const forget = (): void => {
      clearTimeout(silent);
      undecided.delete(socket);
    };
    // A peer that resets before its first bytes: nothing to answer.
    const onError = (): void => {
      socket.destroy();
    };
    const onData = (chunk: Buffer): void => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
      const n = Math.min(head.length, DECIDING_BYTES);
      const isH2 = head.subarray(0, n).equals(PREFACE.subarray(0, n));
      if (isH2 && head.length < DECIDING_BYTES) return;
      forget();
      socket.off("close", forget);
      socket.off("error", onError);
      socket.off("data", onData);
      socket.pause();
      if (isH2) {
        h2.emit("connection", replaying(socket, head));
        return;
      }
      socket.unshift(head);
      for (const l of http1) l.call(server, socket);
      socket.resume();
    };
    if (closing) {
      forget();
      socket.destroy();
      return;
    }
    undecided.add(socket);
    socket.on("close", forget);
    socket.on("error", onError);
    socket.on("data", onData);
  });

  return {
    close() {
      closing = true;
      for (const session of sessions) session.close();
      for (const socket of undecided) socket.destroy();
    },
    destroy() {
      for (const session of sessions) session.destroy();
    },
  };
}
