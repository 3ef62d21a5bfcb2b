/**
 * What the gateway keeps of one response (docs/responses.md, "State: the response store"): the
 * answer as the client had it, the request's own input items, the conversation's earlier responses
 * and the deployment that served it: enough to rebuild the conversation for `previous_response_id`
 * and to answer `GET /responses/{id}` and its `input_items`.
 */
import { createHash } from 'node:crypto';

export type Item = Record<string, unknown>;

export interface StoredResponse {
  /** The Responses object as the client had it (`store: true`, `previous_response_id` as sent). */
  response: Item;
  /** This request's own input items (a string input as one user message), as sent otherwise. */
  input: Item[];
  /** The conversation's earlier responses, oldest first (`previous_response_id`, followed back). */
  chain: string[];
  /** Who served it: the conversation goes back there when it can. */
  served: ServedBy;
}

export interface ServedBy {
  provider: string;
  /** The model as the provider knows it. */
  model: string;
  deployment: string;
}

/**
 * A request's `input` as items: a string is one user message; an item with a `role` and no `type`
 * (the short form) is a message. Content is kept as sent: every provider reads both forms.
 */
export function inputItems(input: unknown): Item[] {
  // Content as a string: the short form, which matches one of OpenAI's input message shapes, not two.
  if (typeof input === 'string') return [{ type: 'message', role: 'user', content: input }];
  if (!Array.isArray(input)) return [];
  return input.map((item) => {
    if (typeof item !== 'object' || item === null) return item as Item;
    const entry = item as Item;
    return entry.type === undefined && typeof entry.role === 'string' ? { type: 'message', ...entry } : entry;
  });
}

const PREFIXES: Record<string, string> = {
  message: 'msg',
  function_call: 'fc',
  function_call_output: 'fco',
  reasoning: 'rs',
};

/**
 * An input item as `GET /responses/{id}/input_items` lists it: with an id (its own, or one derived
 * from the response id and its position, so that `after` pages stay stable), content as parts.
 */
export function listedItem(item: Item, responseId: string, index: number): Item {
  const listed: Item = { ...item };
  if (typeof listed.id !== 'string') {
    const digest = createHash('sha256').update(`${responseId}:${index}`).digest('hex').slice(0, 40);
    listed.id = `${PREFIXES[String(item.type)] ?? 'item'}_${digest}`;
  }
  if (item.type === 'message' && typeof item.content === 'string') {
    const part = item.role === 'assistant' ? 'output_text' : 'input_text';
    listed.content = [{ type: part, text: item.content }];
  }
  if (item.type === 'message' && listed.status === undefined) listed.status = 'completed';
  return listed;
}

/** The items a stored response adds to its conversation: its input, then its output. */
export function conversationItems(stored: StoredResponse): Item[] {
  const output = Array.isArray(stored.response.output) ? (stored.response.output as Item[]) : [];
  return [...stored.input, ...output];
}
