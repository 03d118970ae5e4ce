// Run-time stubs (CONTRACT §5 "Agent-test controls"): scripted replies added while the gateway runs
// (POST /admin/stubs, `gw.stubs`, `bpg stubs`), in the config's `mock.scripts` rule shape plus `times`,
// `sequence` and a `cassette` scope. The interface http/ and server/ see; the simulator implements it.
import type { ScriptMatch, ScriptReply } from "../config/types.ts";

export type { ScriptMatch, ScriptReply, ScriptToolCall } from "../config/types.ts";

/** What a caller sends to add a stub (validated: it is hostile JSON over HTTP). */
export interface StubDefinition {
  /** Your own id (letters, digits, `._-`); a fresh one is made otherwise. Re-using an id replaces that stub. */
  id?: string;
  /** Omitted keys match anything; `last_user` is a case-insensitive regular expression. */
  match?: ScriptMatch;
  /** The one reply (give this or `sequence`). */
  reply?: ScriptReply;
  /** The replies for the 1st, 2nd, … matching call; once used up the stub expires (unless `times` says more: the last repeats). */
  sequence?: ScriptReply[];
  /** How many matching calls the stub answers before it expires (default: unlimited, or the sequence's length). */
  times?: number;
  /** Only requests carrying `X-Cassette: <this>` see the stub, so parallel test files do not meet. */
  cassette?: string;
}

/** A stub as listed: its definition, how often it answered, and how many answers it has left. */
export interface StubView {
  id: string;
  match: ScriptMatch;
  sequence: ScriptReply[];
  times: number | null;
  cassette: string | null;
  calls: number;
  remaining: number | null;
}

/** The stubs of one gateway. Newest first wins; they are tried before `mock.scripts`. */
export interface StubRegistry {
  /** Validate and add (or replace, same id); a bad definition throws a 400 naming every problem. */
  add(definition: unknown): StubView;
  list(): StubView[];
  /** False when no stub has that id. */
  remove(id: string): boolean;
  /** Remove every stub (or only those scoped to `cassette`); returns how many went. */
  clear(cassette?: string): number;
}
