// POST /model/{modelId}/count-tokens (AWS API reference: CountTokens): `input` holds either a Converse
// request (`converse`: messages, system, toolConfig) or an InvokeModel body (`invokeModel.body`, the
// family's native JSON, base64-encoded as every JSON blob is) → `{inputTokens}`. The proxy has no such
// call, so nothing goes upstream: the count is the simulator's tokenizer on the invoke request the same
// body would send, as on the Anthropic face's count_tokens.
import type { ModelInfo } from "../../models/catalog.ts";
import { invalidRequest } from "../../shared/errors.ts";
import type { InvokeRequest } from "../../upstream/types.ts";
import { converseToInvoke, type ConverseOptions } from "./converse.ts";
import { NATIVE_FAMILIES, nativeBody } from "./native.ts";
import { objectAt, stringAt } from "./wire.ts";

/** A base64 blob member holding JSON (the SDKs encode `Body` blobs so in REST-JSON bodies). */
function jsonBlob(value: unknown, path: string): unknown {
  const text = Buffer.from(stringAt(value, path), "base64").toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidRequest(`The value at '${path}' is not base64-encoded JSON.`, path);
  }
}

/** The invoke request whose input tokens a CountTokens body asks for. */
export function countTokensRequest(body: unknown, model: ModelInfo, options: ConverseOptions): InvokeRequest {
  const input = objectAt(objectAt(body, "body").input, "input");
  if (input.converse !== undefined) {
    const { messages, system, toolConfig } = objectAt(input.converse, "input.converse");
    return converseToInvoke({ messages, system, toolConfig }, model, options);
  }
  if (input.invokeModel !== undefined) {
    const native = nativeBody(
      jsonBlob(objectAt(input.invokeModel, "input.invokeModel").body, "input.invokeModel.body"),
    );
    return NATIVE_FAMILIES[model.family.id].toInvoke(native, model, options);
  }
  throw invalidRequest("'input' must hold one of 'converse' or 'invokeModel'.", "input");
}
