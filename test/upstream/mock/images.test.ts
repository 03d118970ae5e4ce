// The simulator's answer to a question about attached images: format and size read from each header.
import { describe, expect, test } from "vitest";
import { imageAnswer, imageSize } from "../../../src/upstream/mock/images.ts";
import type { InvokeRequest } from "../../../src/upstream/types.ts";

function png(width: number, height: number): Buffer {
  const b = Buffer.alloc(33);
  b.writeUInt32BE(0x89504e47, 0);
  b.writeUInt32BE(0x0d0a1a0a, 4);
  b.writeUInt32BE(13, 8);
  b.write("IHDR", 12, "latin1");
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return b;
}

function gif(width: number, height: number): Buffer {
  const b = Buffer.alloc(13);
  b.write("GIF89a", 0, "latin1");
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  return b;
}

/** SOI, an APP0 segment to walk past, then SOF0 with the size. */
function jpeg(width: number, height: number): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x04, 0x00, 0x00]);
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, Buffer.alloc(16)]);
}

function webp(width: number, height: number): Buffer {
  const b = Buffer.alloc(30);
  b.write("RIFF", 0, "latin1");
  b.write("WEBPVP8X", 8, "latin1");
  b.writeUIntLE(width - 1, 24, 3);
  b.writeUIntLE(height - 1, 27, 3);
  return b;
}

describe("imageSize", () => {
  test.each([
    ["PNG", png(640, 480)],
    ["GIF", gif(640, 480)],
    ["JPEG", jpeg(640, 480)],
    ["WebP", webp(640, 480)],
  ])("%s", (_format, bytes) => {
    expect(imageSize(bytes)).toEqual({ width: 640, height: 480 });
  });

  test("an unreadable header gives no size", () => {
    expect(imageSize(Buffer.from("not an image"))).toBeUndefined();
    expect(imageSize(Buffer.from([0xff, 0xd8, 0x00]))).toBeUndefined();
  });
});

function request(question: string, ...images: [string, Buffer][]): InvokeRequest {
  return {
    model: "m",
    max_tokens: 100,
    messages: [
      {
        role: "user",
        content: [
          ...images.map(([type, bytes]) => ({
            type: "image" as const,
            source: { type: "base64" as const, media_type: `image/${type}`, data: bytes.toString("base64") },
          })),
          { type: "text" as const, text: question },
        ],
      },
    ],
  };
}

describe("imageAnswer", () => {
  test("names each image's format and size", () => {
    const q = "What is in these pictures?";
    expect(imageAnswer(request(q, ["png", png(2, 3)]), q)).toBe("It is a 2×3 PNG image.");
    expect(imageAnswer(request(q, ["png", png(2, 3)], ["jpeg", jpeg(4, 5)]), q)).toBe(
      "There are 2 images: a 2×3 PNG image and a 4×5 JPEG image.",
    );
  });

  test("answers only a question about them, and only when there are images", () => {
    const translate = "Translate 'bonjour' to English.";
    expect(imageAnswer(request(translate, ["png", png(2, 3)]), translate)).toBeUndefined();
    const q = "Describe the image.";
    expect(imageAnswer(request(q), q)).toBeUndefined();
  });
});
