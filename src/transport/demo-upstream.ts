/**
 * An in-process upstream that speaks OpenAI's wire format, so the demo and first experiments run
 * with no API key and no network: the `demo` provider (providers/demo) is an ordinary
 * OpenAI-compatible provider whose requests the gateway's transport hands to this instead of the
 * network (in-process-transport.ts). `demo-chat` answers deterministically, word by word when
 * streamed; `demo-flaky` fails with a 503 at random to show a fallback.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { SendOptions, Transport, UpstreamRequest, UpstreamResponse } from './types.js';

export interface DemoUpstreamOptions {
  /** Chance that `demo-flaky` fails (default 0.5). */
  failureRate?: number;
  /** Delay between streamed words in ms (default 15). */
  wordDelayMs?: number;
  random?: () => number;
}

const encoder = new TextEncoder();

export function createDemoUpstream(options: DemoUpstreamOptions = {}): Transport {
  const failureRate = options.failureRate ?? 0.5;
  const wordDelayMs = options.wordDelayMs ?? 15;
  const random = options.random ?? Math.random;

  return {
    async send(request: UpstreamRequest, sendOptions: SendOptions): Promise<UpstreamResponse> {
      const body = JSON.parse(request.body ?? '{}') as Record<string, unknown>;
      const model = String(body.model);
      if (model === 'demo-flaky' && random() < failureRate) {
        return jsonResponse(503, {
          error: {
            message: 'demo-flaky failed on purpose, to show a fallback.',
            type: 'server_error',
            code: null,
            param: null,
          },
        });
      }
      if (request.url.endsWith('/embeddings')) return jsonResponse(200, embeddingsResponse(body));
      const words = replyFor(body).split(/(?<= )/);
      const usage = usageFor(body, words.length);
      if (body.stream === true) {
        const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
        return streamResponse(
          streamFrames(model, words, includeUsage ? usage : undefined, wordDelayMs, sendOptions.signal),
        );
      }
      return jsonResponse(200, {
        id: `chatcmpl-demo-${Date.now()}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: words.join(''), refusal: null },
            logprobs: null,
            finish_reason: 'stop',
          },
        ],
        usage,
      });
    },
    async close() {},
  };
}

function replyFor(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? (body.messages as Array<{ role?: string; content?: unknown }>) : [];
  const lastUser = [...messages].reverse().find((message) => message.role === 'user');
  const text = typeof lastUser?.content === 'string' ? lastUser.content : 'something without text';
  const quoted = text.length > 200 ? `${text.slice(0, 200)}…` : text;
  return `Hello from the modelgate demo provider (${String(body.model)}). You said: "${quoted}". Set OPENAI_API_KEY or another provider key to talk to a real model.`;
}

function usageFor(body: Record<string, unknown>, completionTokens: number) {
  const promptTokens = Math.max(1, Math.ceil(JSON.stringify(body.messages ?? '').length / 4));
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

async function* streamFrames(
  model: string,
  words: string[],
  usage: object | undefined,
  wordDelayMs: number,
  signal: AbortSignal,
): AsyncGenerator<Uint8Array> {
  const id = `chatcmpl-demo-${Date.now()}`;
  const created = Math.floor(Date.now() / 1000);
  const chunk = (choices: unknown[], extra: object = {}) =>
    encoder.encode(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices, ...extra })}\n\n`,
    );
  yield chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]);
  for (const word of words) {
    await sleep(wordDelayMs, undefined, { signal });
    yield chunk([{ index: 0, delta: { content: word }, finish_reason: null }]);
  }
  yield chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]);
  if (usage) yield chunk([], { usage });
  yield encoder.encode('data: [DONE]\n\n');
}

function embeddingsResponse(body: Record<string, unknown>) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const data = inputs.map((input, index) => ({
    object: 'embedding',
    index,
    embedding: pseudoEmbedding(String(input)),
  }));
  const tokens = inputs.reduce<number>((sum, input) => sum + Math.ceil(String(input).length / 4), 0);
  return { object: 'list', data, model: String(body.model), usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

/** A deterministic 8-dimensional unit vector derived from the text. */
function pseudoEmbedding(text: string): number[] {
  const vector = new Array<number>(8).fill(0);
  for (let i = 0; i < text.length; i++) vector[i % 8] += text.charCodeAt(i);
  const norm = Math.hypot(...vector) || 1;
  return vector.map((value) => Number((value / norm).toFixed(6)));
}

function jsonResponse(status: number, payload: unknown): UpstreamResponse {
  const text = JSON.stringify(payload);
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: (async function* () {
      yield encoder.encode(text);
    })(),
    text: async () => text,
    cancel() {},
  };
}

function streamResponse(frames: AsyncGenerator<Uint8Array>): UpstreamResponse {
  return {
    status: 200,
    headers: { 'content-type': 'text/event-stream' },
    body: frames,
    text: async () => {
      throw new Error('a demo stream has no text body');
    },
    cancel() {
      void frames.return(undefined);
    },
  };
}
