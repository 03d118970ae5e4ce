// What the upstream calls of one request share (/v1 and /prod/invoke alike): the caller's credentials,
// the request id, the X-Cassette / X-Mock-Fault headers, and the client going away. A class, so the
// lazily made signal is a getter on the prototype rather than a closure and an accessor per request.
import type { ClientGoneListener, Credentials, InvokeContext } from "../upstream/types.ts";
import { LazyAbort } from "./cancel.ts";
import { headerOf, type Exchange } from "./exchange.ts";

export class ExchangeInvokeContext implements InvokeContext {
  readonly credentials: Credentials | undefined;
  readonly requestId: string;
  cassette?: string;
  fault?: string;
  readonly choice: number = 0;
  /** Aborted when the client goes away; the handler may abort it too (sibling choices of a failure). */
  readonly abort = new LazyAbort();

  constructor(x: Exchange, credentials: Credentials | undefined) {
    this.credentials = credentials;
    this.requestId = x.record.requestId;
    const abort = this.abort;
    x.record.onClientGone = () => abort.abort();
    const fault = headerOf(x.req, "x-mock-fault");
    const cassette = headerOf(x.req, "x-cassette");
    if (fault !== undefined) this.fault = fault;
    if (cassette !== undefined) this.cassette = cassette;
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
