/** Calls `gateway.handle` like an adapter would, and reads the whole answer (JSON or SSE text). */
import type { Gateway, HandleContext } from '../../src/index.js';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: any;
  /** SSE answers: the `data:` payloads, parsed (without `[DONE]`). */
  events?: any[];
  done?: boolean;
}

export async function post(
  gateway: Gateway,
  body: unknown,
  options: { headers?: Record<string, string>; context?: HandleContext; path?: string } = {},
): Promise<Answer> {
  const response = await gateway.handle(
    {
      method: 'POST',
      path: options.path ?? '/v1/chat/completions',
      headers: { 'content-type': 'application/json', ...options.headers },
      body,
    },
    options.context,
  );
  if (response.kind === 'json') return { status: response.status, headers: response.headers, body: response.body };
  let text = '';
  for await (const piece of response.body)
    text += typeof piece === 'string' ? piece : Buffer.from(piece).toString('utf8');
  const payloads = text
    .split('\n\n')
    .filter((frame) => frame.startsWith('data: '))
    .map((frame) => frame.slice(6));
  return {
    status: response.status,
    headers: response.headers,
    body: text,
    events: payloads.filter((data) => data !== '[DONE]').map((data) => JSON.parse(data)),
    done: payloads.includes('[DONE]'),
  };
}
