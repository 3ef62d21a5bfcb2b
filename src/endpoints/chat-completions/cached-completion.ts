/**
 * Cached chat answers are stored as one `chat.completion` object, whichever way they were asked
 * for: a streamed answer is assembled from its chunks once it finished, and a cached answer is
 * replayed to a streaming client as a short, well-formed chunk stream.
 */
import { SSE_DONE, sseData } from '../../sse/sse-frames.js';
import { toLogUsage, type NormalizedUsage } from '../../usage.js';
import { accumulateChoices } from './accumulate-choices.js';

type Json = Record<string, any>;

/** The `chat.completion` a finished stream amounts to. */
export function completionFromStream(
  payloads: readonly string[],
  firstPayload: string | undefined,
  usage: NormalizedUsage | undefined,
): Json {
  let head: Json = {};
  try {
    head = firstPayload ? (JSON.parse(firstPayload) as Json) : {};
  } catch {
    // defaults below
  }
  const choices = accumulateChoices(payloads).map((choice) => {
    // OpenAI's schema requires `refusal` (null when there is none).
    const message: Json = { ...choice.message, refusal: choice.message.refusal ?? null };
    if (message.tool_calls)
      message.tool_calls = message.tool_calls.map(({ index: _index, ...call }: Json) => ({
        type: 'function',
        ...call,
      }));
    return { index: choice.index, message, logprobs: null, finish_reason: choice.finish_reason };
  });
  const completion: Json = {
    id: head.id,
    object: 'chat.completion',
    created: head.created,
    model: head.model,
    choices,
  };
  if (head.system_fingerprint !== undefined) completion.system_fingerprint = head.system_fingerprint;
  if (usage) completion.usage = openAIUsage(usage);
  return completion;
}

/** A cached completion as SSE frames, `[DONE]` included; usage only when the client asked for it. */
export function completionToSse(completion: Json, includeUsage: boolean): string {
  const base: Json = {
    id: completion.id,
    object: 'chat.completion.chunk',
    created: completion.created,
    model: completion.model,
  };
  if (completion.system_fingerprint !== undefined) base.system_fingerprint = completion.system_fingerprint;
  let out = '';
  const chunk = (choices: Json[], extra?: Json) => {
    out += sseData(JSON.stringify({ ...base, choices, ...extra }));
  };
  for (const choice of (completion.choices as Json[] | undefined) ?? []) {
    const message: Json = choice.message ?? {};
    const delta: Json = { role: message.role ?? 'assistant', content: message.content ?? null };
    if (message.reasoning_content !== undefined) delta.reasoning_content = message.reasoning_content;
    if (message.refusal !== undefined && message.refusal !== null) delta.refusal = message.refusal;
    if (Array.isArray(message.tool_calls))
      delta.tool_calls = message.tool_calls.map((call: Json, index: number) => ({ index, ...call }));
    chunk([{ index: choice.index ?? 0, delta, logprobs: null, finish_reason: null }]);
    chunk([{ index: choice.index ?? 0, delta: {}, logprobs: null, finish_reason: choice.finish_reason ?? 'stop' }]);
  }
  if (includeUsage && completion.usage) chunk([], { usage: completion.usage });
  return out + SSE_DONE;
}

function openAIUsage(usage: NormalizedUsage): Json {
  const log = toLogUsage(usage);
  return {
    prompt_tokens: log.prompt_tokens,
    completion_tokens: log.completion_tokens,
    total_tokens: log.total_tokens,
    prompt_tokens_details: { cached_tokens: log.cached_tokens },
    completion_tokens_details: { reasoning_tokens: log.reasoning_tokens },
  };
}
