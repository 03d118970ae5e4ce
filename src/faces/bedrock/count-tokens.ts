// POST /model/{modelId}/count-tokens (AWS API reference: CountTokens): `input` is a union of the two
// request shapes the face already reads — `converse` (messages, system, toolConfig) or `invokeModel`
// (the family's native body, a blob, so base64 in the JSON the SDKs send). Either becomes the invoke
// request the same call would make, and the face counts it as the simulator bills it: the count a
// notebook gets here is the `inputTokens` the Converse or InvokeModel call then reports.
import type { ModelInfo } from "../../models/catalog.ts";
import { invalidRequest } from "../../shared/errors.ts";
import type { InvokeRequest } from "../../upstream/types.ts";
import { converseToInvoke, type ConverseOptions } from "./converse.ts";
import { NATIVE_FAMILIES, nativeBody } from "./native.ts";
import { objectAt, stringAt } from "./wire.ts";

/** The blob of `invokeModel.body`: base64 of the native JSON body (a plain JSON string is taken too). */
function nativeBodyOf(blob: string): unknown {
  const text = blob.trimStart().startsWith("{") ? blob : Buffer.from(blob, "base64").toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw invalidRequest(
      "Malformed input request: input.invokeModel.body is not a JSON document, please reformat your input and try again.",
      "input.invokeModel.body",
    );
  }
}

/** The invoke request whose input tokens CountTokens reports. */
export function countTokensRequest(body: unknown, model: ModelInfo, options: ConverseOptions): InvokeRequest {
  const input = objectAt(objectAt(body, "body").input, "input");
  const members = Object.keys(input).filter((k) => input[k] !== undefined && input[k] !== null);
  if (members.length !== 1 || (members[0] !== "converse" && members[0] !== "invokeModel"))
    throw invalidRequest(
      "1 validation error detected: Value at 'input' must have exactly one member set: converse or invokeModel.",
      "input",
    );
  if (members[0] === "converse") return converseToInvoke(input.converse, model, options);
  const invoke = objectAt(input.invokeModel, "input.invokeModel");
  const native = nativeBody(nativeBodyOf(stringAt(invoke.body, "input.invokeModel.body")));
  return NATIVE_FAMILIES[model.family.id].toInvoke(native, model, options);
}
