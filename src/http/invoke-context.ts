// What the upstream calls of one request share (/v1 and /prod/invoke alike): the caller's credentials,
// the request id, the X-Cassette / X-Mock-Fault headers, and the client going away. A class, so the
// lazily made signal is a getter on the prototype rather than a closure and an accessor per request.
import { parseStreamFault, type StreamFault } from "../upstream/stream-faults.ts";
import type { ClientGoneListener, Credentials, InvokeContext, InvokeTrace } from "../upstream/types.ts";
import { LazyAbort } from "./cancel.ts";
import { headerOf, type Exchange } from "./exchange.ts";

/** Longer than any real team id. */
const MAX_NOTED_TEAM = 128;

export class ExchangeInvokeContext implements InvokeContext {
  readonly credentials: Credentials | undefined;
  readonly requestId: string;
  cassette?: string;
  fault?: string;
  readonly choice: number = 0;
  /** Aborted when the client goes away; the handler may abort it too (sibling choices of a failure). */
  readonly abort = new LazyAbort();
  /** The request's record: what answered it (stub, stream fault, cost) is noted there for the journal. */
  readonly trace: InvokeTrace;

  constructor(x: Exchange, credentials: Credentials | undefined) {
    this.credentials = credentials;
    this.requestId = x.record.requestId;
    this.trace = x.record;
    // The record outlives the request (journal, access log): a hostile 1.3 MB team id is noted cut.
    if (credentials !== undefined)
      x.record.team =
        credentials.teamId.length <= MAX_NOTED_TEAM
          ? credentials.teamId
          : `${structuredClone(credentials.teamId.slice(0, MAX_NOTED_TEAM))}…`;
    const abort = this.abort;
    x.record.onClientGone = () => abort.abort();
    const fault = headerOf(x.req, "x-mock-fault");
    const cassette = headerOf(x.req, "x-cassette");
    if (fault !== undefined) this.fault = fault;
    if (cassette !== undefined) x.record.cassette = this.cassette = cassette;
  }

  /**
   * The mid-stream fault this request's stream gets: what the upstream noted (a stub's reply, the
   * simulator's fault rates or its reading of the header), else the `X-Mock-Fault` header itself, so the
   * header works in every mode, replay included.
   */
  get streamFault(): StreamFault | undefined {
    return parseStreamFault(this.trace.streamFault ?? this.fault);
  }

  /** The same context for choice `choice` of n: same credentials, headers and client-gone signal. */
  forChoice(choice: number): ExchangeInvokeContext {
    return Object.assign(Object.create(ExchangeInvokeContext.prototype) as ExchangeInvokeContext, this, {
      choice,
    });
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  onClientGone(listener: ClientGoneListener): void {
    this.abort.listen(listener);
  }
}
