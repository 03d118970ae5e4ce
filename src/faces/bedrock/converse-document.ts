// A Converse `document` block (AWS API reference: DocumentBlock) → the text block the proxy carries
// (translation/documents.ts). Text formats (txt, md, html, csv) and text or content sources travel; the
// binary formats (pdf, doc, docx, xls, xlsx) and S3 locations are refused, saying what to send instead.
import { invalidRequest } from "../../shared/errors.ts";
import { quoteUser } from "../../shared/quote.ts";
import { BINARY_DOCUMENT_HINT, base64Text, documentText } from "../../translation/documents.ts";
import type { InvokeContentBlock } from "../../upstream/types.ts";
import { arrayAt, objectAt, stringAt } from "./wire.ts";

/** DocumentFormat values whose bytes are text. */
const TEXT_FORMATS = new Set(["txt", "md", "html", "csv"]);

function contentText(content: unknown, path: string): string {
  return arrayAt(content, path)
    .map((part, i) => stringAt(objectAt(part, `${path}.${i + 1}`).text, `${path}.${i + 1}.text`))
    .join("\n\n");
}

export function documentBlock(raw: Record<string, unknown>, path: string): InvokeContentBlock {
  const name = raw.name === undefined ? undefined : stringAt(raw.name, `${path}.name`);
  const source = objectAt(raw.source, `${path}.source`);
  const text = (content: string): InvokeContentBlock => ({ type: "text", text: documentText(content, name) });
  if (source.text !== undefined) return text(stringAt(source.text, `${path}.source.text`));
  if (source.content !== undefined) return text(contentText(source.content, `${path}.source.content`));
  if (source.bytes === undefined)
    throw invalidRequest(
      `The document at '${path}' must be sent inline (source.bytes, source.text or source.content); the gateway reads no S3 locations.`,
      `${path}.source`,
    );
  const format = raw.format === undefined ? "txt" : stringAt(raw.format, `${path}.format`).toLowerCase();
  if (!TEXT_FORMATS.has(format))
    throw invalidRequest(
      `A document in format ${quoteUser(format)} at '${path}' cannot be sent through the proxy: ${BINARY_DOCUMENT_HINT} (format txt, md, html or csv).`,
      `${path}.format`,
    );
  const decoded = base64Text(stringAt(source.bytes, `${path}.source.bytes`));
  if (decoded === undefined)
    throw invalidRequest(`The ${format} document at '${path}' is not UTF-8 text.`, `${path}.source.bytes`);
  return text(decoded);
}
