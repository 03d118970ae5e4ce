// What a request continues: `previous_response_id` brings the stored conversation (its input, then its
// output), and `item_reference` items bring one output item of a stored response (the AI SDK sends them
// for earlier answers when `store` is on). Both read only the caller's own team's responses.
import { notFound } from "../../shared/errors.ts";
import { itemAddress } from "./response.ts";
import type { ResponseStore } from "./store.ts";
import type {
  ResponseCreateParams,
  ResponseInputContent,
  ResponseInputItem,
  ResponseOutputItem,
} from "./types.ts";

/**
 * An output item as the input item that stands for it in the next turn; none for reasoning (the proxy's
 * models take no reasoning input).
 */
export function outputAsInput(item: ResponseOutputItem): ResponseInputItem[] {
  if (item.type === "reasoning") return [];
  if (item.type === "function_call") {
    const { status: _status, ...call } = item;
    return [call];
  }
  const content: ResponseInputContent[] = item.content.map((p) => ({
    type: "output_text",
    text: p.text,
    annotations: [],
  }));
  return [{ type: "message", id: item.id, role: "assistant", content }];
}

/** The whole conversation of a request, references resolved; unknown ids are 404s naming them. */
export function conversationOf(
  params: ResponseCreateParams,
  store: ResponseStore,
  team: string,
): ResponseInputItem[] {
  const items: ResponseInputItem[] = [];
  const previousId = params.previous_response_id;
  if (previousId !== null) {
    const previous = store.get(team, previousId);
    if (previous === undefined) {
      throw notFound(
        `Previous response with id '${previousId}' not found.`,
        "previous_response_not_found",
        "previous_response_id",
      );
    }
    items.push(...previous.input, ...previous.response.output.flatMap(outputAsInput));
  }
  for (const item of params.input) {
    if (item.type !== "item_reference") {
      items.push(item);
      continue;
    }
    const address = itemAddress(item.id);
    const found =
      address === undefined ? undefined : store.get(team, address.responseId)?.response.output[address.index];
    if (found === undefined)
      throw notFound(`Item with id '${item.id}' not found.`, "item_not_found", "input");
    items.push(...outputAsInput(found));
  }
  return items;
}
