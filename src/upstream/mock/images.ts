// What the simulated model says about the images of the last user turn when the question is about them
// ("What is in this image?", "Describe it"): it cannot see them, but it can read their headers, so the
// answer names each image's format and size — enough for a test to tell that the image arrived whole.

import type { InvokeContentBlock, InvokeRequest } from "../types.ts";

type Size = { width: number; height: number };

/** A question about the attached picture(s), short enough to be one. */
const ASKS = /\b(describe|what(?:'s| is| do you see)?|see|show|look|identify|caption)\b/i;

/** Width and height from the image's header bytes (PNG, GIF, JPEG, WebP), if it has a readable one. */
export function imageSize(bytes: Buffer): Size | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47)
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  if (bytes.length >= 10 && bytes.toString("latin1", 0, 4) === "GIF8")
    return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8) };
  if (
    bytes.length >= 30 &&
    bytes.toString("latin1", 0, 4) === "RIFF" &&
    bytes.toString("latin1", 8, 12) === "WEBP"
  ) {
    const chunk = bytes.toString("latin1", 12, 16);
    if (chunk === "VP8X") return { width: 1 + bytes.readUIntLE(24, 3), height: 1 + bytes.readUIntLE(27, 3) };
    if (chunk === "VP8 ")
      return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
    return undefined;
  }
  return bytes[0] === 0xff && bytes[1] === 0xd8 ? jpegSize(bytes) : undefined;
}

/** A JPEG's frame header (SOF0–SOF15 but DHT, JPG and DAC), walking the segments before it. */
function jpegSize(bytes: Buffer): Size | undefined {
  let i = 2;
  while (i + 9 < bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1] ?? 0;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc)
      return { width: bytes.readUInt16BE(i + 7), height: bytes.readUInt16BE(i + 5) };
    i += 2 + bytes.readUInt16BE(i + 2);
  }
  return undefined;
}

function describe(block: Extract<InvokeContentBlock, { type: "image" }>): string {
  const format = block.source.media_type.replace(/^image\//, "").toUpperCase();
  // The header is in the first bytes: decode no more than 64 KiB of a large image.
  const size = imageSize(Buffer.from(block.source.data.slice(0, 87_384), "base64"));
  return size === undefined ? `a ${format} image` : `a ${size.width}×${size.height} ${format} image`;
}

/** The answer to a question about the last user turn's images, or undefined when it has none or asks none. */
export function imageAnswer(request: InvokeRequest, question: string): string | undefined {
  const last = request.messages.at(-1);
  if (last?.role !== "user" || typeof last.content === "string" || question.length > 300) return undefined;
  const images = last.content.flatMap((b) => (b.type === "image" ? [b] : []));
  if (images.length === 0 || !(question.trim() === "" || ASKS.test(question))) return undefined;
  const said = images.map(describe);
  if (said.length === 1) return `It is ${said[0]}.`;
  return `There are ${said.length} images: ${said.slice(0, -1).join(", ")} and ${said.at(-1)}.`;
}
