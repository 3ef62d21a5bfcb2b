/**
 * An OpenAI-compatible loopback upstream for traffic tests: answers chat completions (JSON or SSE)
 * with a chosen usage, and can be told to fail. Shapes follow the recorded OpenAI fixtures.
 */
import type { ServerResponse } from 'node:http';
import { json, openAIError, sse, sleep, type ReceivedRequest } from './upstream.js';

export interface ReplyOptions {
  content?: string;
  promptTokens?: number;
  completionTokens?: number;
  delayMs?: number;
}

export function completionBody(model: string, options: ReplyOptions = {}) {
  const prompt = options.promptTokens ?? 10;
  const completion = options.completionTokens ?? 5;
  return {
    id: 'chatcmpl-test-1',
    object: 'chat.completion',
    created: 1_770_000_000,
    model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: options.content ?? 'Hello there.', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      prompt_tokens_details: { cached_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0 },
    },
  };
}

export function completionChunks(model: string, options: ReplyOptions = {}) {
  const base = { id: 'chatcmpl-test-2', object: 'chat.completion.chunk', created: 1_770_000_000, model };
  const words = (options.content ?? 'Hello there.').split(/(?<= )/);
  const prompt = options.promptTokens ?? 10;
  const completion = options.completionTokens ?? 5;
  return [
    {
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
    },
    ...words.map((word) => ({
      ...base,
      choices: [{ index: 0, delta: { content: word }, logprobs: null, finish_reason: null }],
    })),
    { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }] },
    {
      ...base,
      choices: [],
      usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion },
    },
  ];
}

/** Answers like OpenAI: JSON, or SSE with a usage chunk only when asked for. */
export async function reply(
  request: ReceivedRequest,
  response: ServerResponse,
  options: ReplyOptions = {},
): Promise<void> {
  if (options.delayMs) await sleep(options.delayMs);
  const model = request.body?.model ?? 'unknown';
  if (!request.body?.stream) return json(response, 200, completionBody(model, options));
  const chunks = completionChunks(model, options);
  return sse(response, request.body.stream_options?.include_usage ? chunks : chunks.slice(0, -1));
}

export function fail(response: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  openAIError(response, status, status === 429 ? 'Rate limit reached' : 'The server had an error', headers);
}

/** A chat request body. */
export function chat(model: string | undefined, extra: Record<string, unknown> = {}) {
  return { ...(model === undefined ? {} : { model }), messages: [{ role: 'user', content: 'Say hello' }], ...extra };
}
