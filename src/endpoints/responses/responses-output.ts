/**
 * The log record's `output` for a Responses answer: its `output` items. A stream's come from its
 * terminal event's final snapshot; before that (a stream cut short) the items done and the text and
 * function call arguments of the one under way, in the same shape. Only the few events that carry them are parsed.
 */
import type { OutputLog } from '../endpoint.js';

type Json = Record<string, any>;

/** The event type, the first field of every event OpenAI and Azure send. */
const EVENT_TYPE = /^\{\s*"type"\s*:\s*"([^"]+)"/;
const READ = new Set([
  'response.output_item.added',
  'response.output_item.done',
  'response.output_text.delta',
  'response.function_call_arguments.delta',
  'response.completed',
  'response.incomplete',
  'response.failed',
]);

export class ResponsesOutput implements OutputLog {
  private final: unknown[] | undefined;
  /** The items so far, by output_index. */
  private readonly items = new Map<number, Json>();

  push(payload: string): void {
    const type = EVENT_TYPE.exec(payload)?.[1];
    if (type === undefined || !READ.has(type)) return;
    let event: Json;
    try {
      event = JSON.parse(payload) as Json;
    } catch {
      return;
    }
    if (type === 'response.output_item.added' && event.item && typeof event.item === 'object') {
      const item: Json = { ...event.item };
      if (item.type === 'message') item.content = [{ type: 'output_text', text: '' }];
      this.items.set(event.output_index, item);
    } else if (type === 'response.output_item.done' && event.item && typeof event.item === 'object') {
      this.items.set(event.output_index, event.item);
    } else if (type === 'response.output_text.delta') {
      const part = this.items.get(event.output_index)?.content?.[0];
      if (part && typeof event.delta === 'string') part.text += event.delta;
    } else if (type === 'response.function_call_arguments.delta') {
      const item = this.items.get(event.output_index);
      if (item && typeof event.delta === 'string') item.arguments = (item.arguments ?? '') + event.delta;
    } else if (Array.isArray(event.response?.output)) {
      this.final = event.response.output;
    }
  }

  value(): unknown[] {
    return this.final ?? [...this.items.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
  }
}
