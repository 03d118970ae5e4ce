// The "stop, the client went away" of one request, made cheap for the common case where nothing waits on
// it: no AbortController until something asks for a signal (a retry's back-off, the simulator's
// latency, a paced stream), and plain listeners for the live client's attempts, which only need a call.
import type { ClientGoneListener } from "../upstream/types.ts";

export class LazyAbort {
  #controller: AbortController | undefined;
  #listeners: ClientGoneListener[] | undefined;
  #aborted = false;

  /** A signal for APIs that take one; made on first use, already aborted when asked for after abort(). */
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.#aborted) this.#controller.abort();
    return this.#controller.signal;
  }

  /** `listener.handleEvent()` on abort (at once when already aborted). Kept as long as this object. */
  listen(listener: ClientGoneListener): void {
    if (this.#aborted) return listener.handleEvent();
    (this.#listeners ??= []).push(listener);
  }

  abort(): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#controller?.abort();
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners !== undefined) for (const listener of listeners) listener.handleEvent();
  }
}
