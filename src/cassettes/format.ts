// The cassette file format, version 1: a YAML stream whose first document is the header and every
// further document one recorded exchange. One document per entry means the loader can split a file on
// its `---` lines, index it by the `key:` line each entry starts with and parse an entry only when it
// is replayed (a 10,000-entry file loads in tens of milliseconds), and the writer can keep unchanged
// entries byte for byte (small git diffs).
import { parse, stringify } from "yaml";
import { GatewayError } from "../shared/errors.ts";

export const FORMAT_NAME = "bedrock-proxy-gateway/cassette";
export const FORMAT_VERSION = 1;

export interface CassetteHeader {
  format: string;
  version: number;
  created: string;
  updated: string;
  creator: string;
  /** The fields ignored for matching when the keys were computed; other rules mean re-hashing on load. */
  ignore_fields: string[];
}

/** A response as stored: a body that is JSON is kept as structure (readable diffs), anything else as text. */
export interface StoredResponse {
  status: number;
  headers: Record<string, string>;
  json?: unknown;
  text?: string;
}

export interface CassetteEntry {
  key: string;
  /** How many identical requests were recorded before this one: the replay sequence. */
  order: number;
  recorded_at: string;
  /** Wall time the upstream took, in ms. */
  latency_ms: number;
  request: Record<string, unknown>;
  response: StoredResponse;
}

const YAML_OUT = { lineWidth: 0, aliasDuplicateObjects: false } as const;
const YAML_SAFE = { ...YAML_OUT, blockQuote: false } as const;
/** Hostile files: no aliases at all (no alias bombs), duplicate keys are errors. */
const YAML_IN = { maxAliasCount: 0, uniqueKeys: true };
/** A line YAML reads as a document start or end: the writer never lets one appear inside a document. */
const MARKER = /^(?:---|\.\.\.)(?:[ \t\r]|$)/m;
/** The writer puts the key on an entry's first line. */
const KEY_LINE = /^key: (sha256:[0-9a-f]{64})\r?\n/;

export function cassetteError(message: string, code = "cassette_invalid"): GatewayError {
  return new GatewayError(message, { status: 500, type: "api_error", code });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function parseYaml(text: string, where: string): unknown {
  try {
    return parse(text, YAML_IN);
  } catch (error) {
    throw cassetteError(
      `${where} is not valid YAML: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`,
    );
  }
}

/** Check a cassette's header document and its version. */
export function parseHeader(head: string, file: string): CassetteHeader {
  const header = parseYaml(head, `${file} (header)`);
  if (!isRecord(header) || header.format !== FORMAT_NAME) {
    throw cassetteError(
      `${file} is not a bedrock-proxy-gateway cassette (its header has no "format: ${FORMAT_NAME}").`,
    );
  }
  if (header.version !== FORMAT_VERSION) {
    throw cassetteError(
      `${file} uses cassette format version ${JSON.stringify(header.version)}, but this bedrock-proxy-gateway reads version ${FORMAT_VERSION}. ` +
        (typeof header.version === "number" && header.version > FORMAT_VERSION
          ? "Upgrade bedrock-proxy-gateway to a release that reads it, or re-record the cassette with --mode record."
          : "Re-record the cassette with --mode record (or delete it and use --mode auto)."),
      "cassette_version_unsupported",
    );
  }
  const strings = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
  return {
    format: FORMAT_NAME,
    version: FORMAT_VERSION,
    created: String(header.created ?? ""),
    updated: String(header.updated ?? ""),
    creator: String(header.creator ?? ""),
    ignore_fields: strings(header.ignore_fields),
  };
}

/**
 * Where one document ends and the next starts (group 1): a line `---` (optionally followed by spaces or
 * tabs), as the writer emits between documents (block scalars are indented, so never match). A line ends
 * at \n, \r\n, or — JavaScript's /m — at a lone \r, U+2028 or U+2029, which then starts the next
 * document. Group 2: the key the next document declares on its first line, as the writer puts it.
 */
const SEPARATOR = /^(---[ \t]*(?:\r?\n|$))(?:key: (sha256:[0-9a-f]{64})\r?\n)?/gm;

/** One document of a file, and the key its first line declares (every entry the writer emits has one). */
export interface YamlDocument {
  text: string;
  key: string | undefined;
}

/**
 * The documents of a file's text: its header, then its entries (blank documents — after a trailing
 * `---` — included). One pass of one regex over the text: documents and keys are slices of it.
 */
export function splitDocuments(text: string): YamlDocument[] {
  const documents: YamlDocument[] = [];
  let start = 0;
  let key = declaredKey(text);
  for (const match of text.matchAll(SEPARATOR)) {
    documents.push({ text: text.slice(start, match.index), key });
    start = match.index + (match[1] ?? "").length;
    key = match[2];
  }
  documents.push({ text: text.slice(start), key });
  return documents;
}

/** Whether a document is blank, so not an entry (a trailing separator, an empty document). */
export function isBlankDocument(document: string): boolean {
  return document.trim() === "";
}

/** Split a whole file into its header and raw entry documents, checking the header and its version. */
export function splitCassette(
  contents: string | Uint8Array,
  file: string,
): { header: CassetteHeader; chunks: string[] } {
  const text =
    typeof contents === "string"
      ? contents
      : Buffer.from(contents.buffer, contents.byteOffset, contents.length).toString("utf8");
  const [head, ...documents] = splitDocuments(text);
  return {
    header: parseHeader(head?.text ?? "", file),
    chunks: documents.map((d) => d.text).filter((d) => !isBlankDocument(d)),
  };
}

/** The key an entry document declares, read without parsing it. */
export function declaredKey(chunk: string): string | undefined {
  return KEY_LINE.exec(chunk)?.[1];
}

/** Parse and check one entry document (`index` is 1-based, for messages). */
export function parseEntry(chunk: string, file: string, index: number): CassetteEntry {
  const where = `${file} entry ${index}`;
  const raw = parseYaml(chunk, where);
  if (!isRecord(raw)) throw cassetteError(`${where} is not a mapping.`);
  const response = raw.response;
  const problem =
    typeof raw.key !== "string"
      ? "key"
      : !isRecord(raw.request) || typeof raw.request.model !== "string"
        ? "request.model"
        : !isRecord(response)
          ? "response"
          : !Number.isInteger(response.status)
            ? "response.status"
            : !isRecord(response.headers ?? {})
              ? "response.headers"
              : response.json === undefined && typeof response.text !== "string"
                ? "response.json or response.text"
                : undefined;
  if (problem !== undefined || !isRecord(response) || !isRecord(raw.request)) {
    throw cassetteError(`${where} is missing or has an invalid "${problem ?? "response"}".`);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries((response.headers ?? {}) as Record<string, unknown>))
    headers[name] = String(value);
  const stored: StoredResponse = { status: response.status as number, headers };
  if (response.json !== undefined) stored.json = response.json;
  else stored.text = response.text as string;
  return {
    key: raw.key as string,
    order: Number.isInteger(raw.order) ? (raw.order as number) : 0,
    recorded_at: String(raw.recorded_at ?? ""),
    latency_ms: typeof raw.latency_ms === "number" ? raw.latency_ms : 0,
    request: raw.request,
    response: stored,
  };
}

/** The first line of an entry's top-level `response:`, which the writer puts after `request:`. */
const RESPONSE_LINE = /^response:/m;

/** What the closest-match search on a replay miss reads of an entry. */
export interface EntryHead {
  request: Record<string, unknown>;
  recorded_at: string;
}

/**
 * An entry's request and recording time, for the closest-match search on a replay miss: the document
 * up to its top-level `response:` (about a quarter of the parsing), else the whole entry (parseEntry,
 * which says what is wrong with one that is not as the writer emits it).
 */
export function parseEntryHead(chunk: string, file: string, index: number): EntryHead {
  const cut = RESPONSE_LINE.exec(chunk)?.index;
  if (cut !== undefined) {
    try {
      const head: unknown = parse(chunk.slice(0, cut), YAML_IN);
      if (isRecord(head) && isRecord(head.request) && typeof head.request.model === "string")
        return { request: head.request, recorded_at: String(head.recorded_at ?? "") };
    } catch {
      // Falls through to the whole entry.
    }
  }
  const entry = parseEntry(chunk, file, index);
  return { request: entry.request, recorded_at: entry.recorded_at };
}

/**
 * YAML for `value`, checked by parsing it back. Block scalars are the readable choice for long texts,
 * but the yaml library cannot express every string that way (whitespace-only lines lose their spaces)
 * and may fold a quoted string onto a line that reads as a document marker. So: pretty if exact, else
 * quoted strings, else one JSON value per top-level key (valid YAML, no line breaks at all).
 */
function exactYaml(value: Record<string, unknown>): string {
  for (const options of [YAML_OUT, YAML_SAFE]) {
    const text = stringify(value, options);
    if (!MARKER.test(text) && sameJson(text, value)) return text;
  }
  const text = Object.entries(value)
    .map(
      ([name, child]) =>
        `${/^[a-z_]+$/.test(name) ? name : JSON.stringify(name)}: ${name === "key" && typeof child === "string" && /^sha256:[0-9a-f]{64}$/.test(child) ? child : JSON.stringify(child)}\n`,
    )
    .join("");
  if (!sameJson(text, value)) throw new Error("cassette entry cannot be written as YAML exactly");
  return text;
}

function sameJson(text: string, value: unknown): boolean {
  try {
    return JSON.stringify(parse(text, YAML_IN)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

export function formatHeader(header: CassetteHeader): string {
  return (
    "# Recorded upstream exchanges (bedrock-proxy-gateway). One YAML document per exchange follows.\n" +
    "# Credentials are never stored; <team_id> is filled back with the replaying caller's team id.\n" +
    exactYaml({ ...header })
  );
}

export function formatEntry(entry: CassetteEntry): string {
  return exactYaml({ ...entry });
}

export function joinCassette(header: string, chunks: readonly string[]): string {
  return [header, ...chunks].join("---\n");
}

/** Whether a text body is JSON text (team ids inside it are matched and filled JSON-escaped). */
export function looksJson(text: string): boolean {
  return /^\s*[[{"]/.test(text);
}

/** Whether `value` comes back from this format's YAML exactly as JSON sees it. */
export function yamlRoundTrips(value: unknown): boolean {
  return sameJson(stringify(value, YAML_SAFE), value);
}
