/**
 * The Responses API's stream contract, checked event by event (OpenAI's streaming events reference:
 * https://platform.openai.com/docs/api-reference/responses-streaming): `sequence_number` 0, 1, 2, ...;
 * `response.created` then `response.in_progress`; output items one after the other at output_index
 * 0, 1, 2, ..., each event of an item naming its id and index, parts and summaries opened before
 * their deltas and closed before the item; exactly one terminal event, last, whose snapshot holds
 * every item as its `output_item.done` had it. Every event and snapshot is also checked against
 * the OpenAI spec. Throws, naming the event, on the first violation.
 */
import { assertValidOpenAIResponse, assertValidResponsesEvent } from './openai-response-spec.js';

type Json = Record<string, any>;

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed']);

export function assertResponsesStream(events: readonly Json[]): Json {
  const fail = (index: number, why: string): never => {
    throw new Error(`event ${index} (${events[index]?.type}): ${why}\n${JSON.stringify(events[index]).slice(0, 400)}`);
  };
  const done: Json[] = [];
  let item:
    | { id: string; index: number; type: string; part?: number; summary?: number; args: string; text: string }
    | undefined;
  let terminal: Json | undefined;
  events.forEach((event, i) => {
    assertValidResponsesEvent(event);
    if (event.sequence_number !== i) fail(i, `sequence_number ${event.sequence_number}, expected ${i}`);
    if (terminal) fail(i, 'an event after the terminal one');
    if (i === 0 && event.type !== 'response.created') fail(i, 'the first event must be response.created');
    if (i === 1 && event.type !== 'response.in_progress') fail(i, 'the second event must be response.in_progress');
    const own = () => {
      if (!item) fail(i, 'no output item is open');
      if (event.item_id !== item!.id || event.output_index !== item!.index)
        fail(i, `names another item than ${item!.id}`);
    };
    switch (event.type) {
      case 'response.created':
      case 'response.in_progress':
        if (i > 1) fail(i, 'repeated');
        assertValidOpenAIResponse('response', event.response);
        break;
      case 'response.output_item.added':
        if (item) fail(i, `item ${item.id} is still open`);
        if (event.output_index !== done.length) fail(i, `output_index ${event.output_index}, expected ${done.length}`);
        if (done.some((other) => other.id === event.item.id)) fail(i, 'an item id used twice');
        item = { id: event.item.id, index: event.output_index, type: event.item.type, args: '', text: '' };
        break;
      case 'response.content_part.added':
        own();
        if (item!.type !== 'message' || item!.part !== undefined) fail(i, 'a part while another is open');
        item!.part = event.content_index;
        item!.text = '';
        break;
      case 'response.output_text.delta':
      case 'response.refusal.delta':
        own();
        if (item!.part !== event.content_index) fail(i, 'a delta outside its content part');
        item!.text += event.delta;
        break;
      case 'response.output_text.done':
      case 'response.refusal.done':
        own();
        if (item!.part !== event.content_index) fail(i, 'done outside its content part');
        if ((event.text ?? event.refusal) !== item!.text) fail(i, 'done text differs from the deltas');
        break;
      case 'response.content_part.done':
        own();
        if (item!.part !== event.content_index) fail(i, 'another part than the open one');
        item!.part = undefined;
        break;
      case 'response.function_call_arguments.delta':
        own();
        item!.args += event.delta;
        break;
      case 'response.function_call_arguments.done':
        own();
        if (item!.args !== '' && event.arguments !== item!.args) fail(i, 'arguments differ from the deltas');
        break;
      case 'response.reasoning_summary_part.added':
        own();
        if (item!.summary !== undefined) fail(i, 'a summary part while another is open');
        item!.summary = event.summary_index;
        item!.text = '';
        break;
      case 'response.reasoning_summary_text.delta':
        own();
        if (item!.summary !== event.summary_index) fail(i, 'a delta outside its summary part');
        item!.text += event.delta;
        break;
      case 'response.reasoning_summary_text.done':
        own();
        if (event.text !== item!.text) fail(i, 'summary text differs from the deltas');
        break;
      case 'response.reasoning_summary_part.done':
        own();
        item!.summary = undefined;
        break;
      case 'response.output_item.done':
        if (!item || event.item.id !== item.id || event.output_index !== item.index) fail(i, 'closes another item');
        if (item!.part !== undefined || item!.summary !== undefined) fail(i, 'a part is still open');
        done.push(event.item);
        item = undefined;
        break;
      default:
        if (!TERMINAL.has(event.type)) fail(i, 'an event type the bridge does not send');
        if (item) fail(i, `item ${item.id} is still open`);
        assertValidOpenAIResponse('response', event.response);
        if (JSON.stringify(event.response.output) !== JSON.stringify(done))
          fail(i, 'the final snapshot differs from the items done');
        terminal = event;
    }
  });
  if (!terminal) throw new Error('the stream has no terminal event');
  return terminal.response;
}
