// What the access log and 404 messages may say about a request's path. A client that pastes a token
// into a URL (`/v1/sk-live-…/chat`) must not find it in the log or echoed back: path segments that
// look like credentials — a configured token, a known key prefix, a long letters-and-digits blob — are
// replaced by `[REDACTED]`, and long paths are cut. Error messages quote user strings through
// `quoteUser`: only when short and plain.

const REDACTED = "[REDACTED]";
/** Key-like prefixes (OpenAI/Anthropic `sk-`, AWS access key ids, `tok-`, JWTs). */
import { KEY_PREFIX } from "../shared/quote.ts";
/** A blob: base64/url-safe characters only, at least 16 of them, letters and digits mixed. */
const BLOB = /^[A-Za-z0-9_\-+/=]{16,}$/;
const MAX_PATH_CHARS = 200;

function secretLike(segment: string, known: ReadonlySet<string>): boolean {
  if (known.has(segment)) return true;
  if (segment.length >= 8 && KEY_PREFIX.test(segment)) return true;
  return BLOB.test(segment) && /[0-9]/.test(segment) && /[A-Za-z]/.test(segment);
}

/** A redactor for paths, knowing the configured credentials (matched whole, whatever their length). */
export function pathRedactor(credentials: readonly string[]): (path: string) => string {
  const known = new Set(credentials.filter((c) => c !== ""));
  return function redactPath(path) {
    const out = path
      .split("/")
      .map((raw) => {
        let segment = raw;
        try {
          segment = decodeURIComponent(raw);
        } catch {
          // A malformed escape: judge it as sent.
        }
        return secretLike(segment, known) || secretLike(raw, known) ? REDACTED : raw;
      })
      .join("/");
    return out.length > MAX_PATH_CHARS ? `${out.slice(0, MAX_PATH_CHARS)}…` : out;
  };
}
