// Documents the proxy can carry. Its content blocks are text, image, tool_use and tool_result only, so a
// text document (Anthropic `document` with a text source, Converse `document` in txt/md/html/csv)
// travels as one text block, marked the way Anthropic's long-context guide marks documents, so the model
// can tell it from the question. Binary documents (PDF, Word, Excel) cannot be read without the model's
// own document support: the faces refuse them with a message saying what to send instead.

/** What the faces say when a document is binary. */
export const BINARY_DOCUMENT_HINT =
  "the proxy carries text and images only, so extract the document's text and send it as a text document or a text block";

/** Base64 text as UTF-8, or undefined when it is not base64 of valid UTF-8. */
export function base64Text(data: string): string | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data.replace(/\s+/g, ""))) return undefined;
  const bytes = Buffer.from(data, "base64");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

/** A text document as the text of one block: its name (when it has one), then its content. */
export function documentText(content: string, name?: string, context?: string): string {
  const source = name === undefined || name.trim() === "" ? "" : `<source>${name}</source>\n`;
  const note = context === undefined || context.trim() === "" ? "" : `<context>${context}</context>\n`;
  return `<document>\n${source}${note}<document_content>\n${content}\n</document_content>\n</document>`;
}
