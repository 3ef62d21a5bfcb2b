/**
 * A chat completion as a Responses JSON answer. The completion is replayed as the chunks a stream
 * of it would be and written by the stream writer, so that a JSON answer and the final snapshot
 * of a stream have one shape by construction. Reasoning state known up front (Anthropic's
 * `thinking_blocks`, Gemini's message `extra_content`) rides with the reasoning text, so it lands in
 * the reasoning item that shows it.
 */
import type { ChatCompletionChunk, ChatDelta } from '../../providers/openai-types.js';
import type { BridgeTarget } from '../endpoint.js';
import { ResponsesStreamWriter } from './responses-stream-writer.js';

type Json = Record<string, any>;

export function fromChatCompletion(completion: Json, request: Json, target: BridgeTarget): Json {
  const created = typeof completion.created === 'number' ? completion.created : undefined;
  const writer = new ResponsesStreamWriter(request, target, created);
  for (const chunk of completionChunks(completion)) writer.push(chunk);
  writer.end();
  return writer.finalResponse();
}

/** The chunks a stream of the completion's first choice would be, usage last. */
export function completionChunks(completion: Json): ChatCompletionChunk[] {
  const base = {
    id: String(completion.id ?? ''),
    object: 'chat.completion.chunk' as const,
    created: typeof completion.created === 'number' ? completion.created : 0,
    model: typeof completion.model === 'string' ? completion.model : '',
  };
  const chunk = (delta: ChatDelta, finish: string | null = null): ChatCompletionChunk => ({
    ...base,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const choice =
    (Array.isArray(completion.choices) ? completion.choices : []).find((c: Json) => c?.index === 0) ??
    completion.choices?.[0];
  const message: Json = choice?.message ?? {};
  const first: ChatDelta = { role: 'assistant' };
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '') first.reasoning_content = reasoning;
  if (message.thinking_blocks !== undefined) first.thinking_blocks = message.thinking_blocks;
  if (message.extra_content !== undefined) first.extra_content = message.extra_content;
  const chunks = [chunk(first)];
  if (typeof message.content === 'string' && message.content !== '') chunks.push(chunk({ content: message.content }));
  if (typeof message.refusal === 'string' && message.refusal !== '') chunks.push(chunk({ refusal: message.refusal }));
  const calls: Json[] = Array.isArray(message.tool_calls) ? message.tool_calls : [];
  calls.forEach((call, index) => {
    const delta: Json = {
      index,
      id: call?.id,
      type: 'function',
      function: { name: call?.function?.name, arguments: call?.function?.arguments ?? '' },
    };
    if (call?.extra_content !== undefined) delta.extra_content = call.extra_content;
    chunks.push(chunk({ tool_calls: [delta as never] }));
  });
  chunks.push(chunk({}, typeof choice?.finish_reason === 'string' ? choice.finish_reason : 'stop'));
  chunks.push({ ...base, choices: [], usage: completion.usage ?? null });
  return chunks;
}
