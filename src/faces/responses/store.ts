// Stored responses (CONTRACT §3c): kept per team, so one team never reads another's, and bounded twice —
// entries and bytes per team, and the number of teams — with least-recently-used eviction (lru-cache).
// `toJSON`/`restore` let the composition root keep them in the simulator's state file.
import { LRUCache } from "lru-cache";
import type { ResponseInputItem, ResponseObject, ResponseOutputItem } from "./types.ts";

export interface StoredResponse {
  response: ResponseObject;
  /** Everything the model saw as input: the previous response's conversation, then this request's items. */
  input: ResponseInputItem[];
}

export interface ResponseStoreOptions {
  /** Responses kept per team (default 500). */
  maxPerTeam?: number;
  /**
   * Bytes of JSON kept per team (default 8 MiB): a few image-laden conversations cannot fill memory.
   * Each stored response holds its whole conversation, so the newest of a chain is all a follow-up
   * needs: 8 MiB still keeps ten chains at a 200,000-token context.
   */
  maxBytesPerTeam?: number;
  /** Teams with stored responses (default 1000): team ids come from callers' headers. */
  maxTeams?: number;
  /** Called after every change (the state file schedules a write). */
  onChange?: () => void;
}

export interface ResponseStore {
  get(team: string, id: string): StoredResponse | undefined;
  put(team: string, entry: StoredResponse): void;
  /** True when there was such a response. */
  delete(team: string, id: string): boolean;
  /** Every team's responses, least recently used first. */
  toJSON(): PersistedResponses;
  /** Load what toJSON wrote; entries that do not look like stored responses are skipped. */
  restore(saved: unknown): void;
}

export interface PersistedResponses {
  teams: Record<string, StoredResponse[]>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function looksStored(v: unknown): v is StoredResponse {
  return (
    isObject(v) &&
    isObject(v.response) &&
    typeof v.response.id === "string" &&
    Array.isArray(v.response.output) &&
    Array.isArray(v.input)
  );
}

/** Fixed JSON overhead counted per item and per response beside their strings. */
const ITEM_OVERHEAD = 128;
const RESPONSE_OVERHEAD = 1024;

const itemSize = (item: ResponseInputItem | ResponseOutputItem): number => {
  switch (item.type) {
    case "message":
    case "reasoning":
      return (
        ITEM_OVERHEAD +
        (item.content as readonly { text?: string; image_url?: string }[]).reduce(
          (n, p) => n + ITEM_OVERHEAD + (p.text ?? p.image_url ?? "").length,
          0,
        )
      );
    case "function_call":
      return ITEM_OVERHEAD + item.name.length + item.arguments.length + item.call_id.length;
    case "function_call_output":
      return ITEM_OVERHEAD + item.output.length + item.call_id.length;
  }
};

/**
 * About the bytes an entry holds: its strings plus a fixed overhead per item. Cheaper than serialising
 * it on every store (the bound needs an estimate, not the exact JSON length); tools and metadata echoed
 * in the response are counted by their text.
 */
function sizeOf(entry: StoredResponse): number {
  const { response } = entry;
  let size = RESPONSE_OVERHEAD + (response.instructions?.length ?? 0);
  for (const tool of response.tools) size += ITEM_OVERHEAD + JSON.stringify(tool.parameters ?? {}).length;
  for (const item of response.output) size += itemSize(item);
  for (const item of entry.input) size += itemSize(item);
  return size;
}

export function createResponseStore(options: ResponseStoreOptions = {}): ResponseStore {
  const maxPerTeam = options.maxPerTeam ?? 500;
  const maxBytes = options.maxBytesPerTeam ?? 8 * 1024 * 1024;
  const changed = options.onChange ?? (() => {});
  const teams = new LRUCache<string, LRUCache<string, StoredResponse>>({ max: options.maxTeams ?? 1000 });

  function teamCache(team: string, create: boolean): LRUCache<string, StoredResponse> | undefined {
    let cache = teams.get(team);
    if (cache === undefined && create) {
      cache = new LRUCache<string, StoredResponse>({
        max: maxPerTeam,
        maxSize: maxBytes,
        // An entry larger than the whole budget is simply not kept (lru-cache refuses it).
        sizeCalculation: sizeOf,
      });
      teams.set(team, cache);
    }
    return cache;
  }

  return {
    get: (team, id) => teamCache(team, false)?.get(id),
    put(team, entry) {
      teamCache(team, true)?.set(entry.response.id, entry);
      changed();
    },
    delete(team, id) {
      const deleted = teamCache(team, false)?.delete(id) ?? false;
      if (deleted) changed();
      return deleted;
    },
    toJSON() {
      const out: Record<string, StoredResponse[]> = {};
      for (const [team, cache] of [...teams.entries()].reverse()) out[team] = [...cache.values()].reverse();
      return { teams: out };
    },
    restore(saved) {
      if (!isObject(saved) || !isObject(saved.teams)) return;
      for (const [team, entries] of Object.entries(saved.teams)) {
        if (!Array.isArray(entries)) continue;
        const cache = teamCache(team, true);
        for (const entry of entries) if (looksStored(entry)) cache?.set(entry.response.id, entry);
      }
    },
  };
}
