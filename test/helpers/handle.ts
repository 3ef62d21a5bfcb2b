import type { GatewayResponse, HandleContext } from '../../src/index.js';
import type { Gateway } from '../../src/index.js';

export const CHAT = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

/** Calls the core contract directly, as a custom server would. */
export function post(
  gateway: Gateway,
  body: unknown,
  context: HandleContext = {},
  headers: Record<string, string> = {},
  path = '/v1/chat/completions',
) {
  return gateway.handle(
    { method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body },
    context,
  );
}

/** Reads a whole SSE response body as text. */
export async function readSse(response: GatewayResponse): Promise<string> {
  if (response.kind !== 'sse')
    throw new Error(`expected an SSE response, got ${response.status} ${JSON.stringify(response.body)}`);
  let text = '';
  const decoder = new TextDecoder();
  for await (const piece of response.body)
    text += typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true });
  return text;
}

/** The JSON payloads of an SSE text, `[DONE]` as the string. */
export function ssePayloads(text: string): unknown[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => frame.slice(6))
    .map((data) => (data === '[DONE]' ? data : JSON.parse(data)));
}

export function chunk(content: string | null, finish: string | null = null, extra: object = {}) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, delta: content === null ? {} : { content }, finish_reason: finish }],
    ...extra,
  };
}

export function completion(content: string) {
  return {
    id: 'chatcmpl-test',
    object: 'chat.completion',
    created: 1,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
  };
}
