/**
 * The in-process bench's request path without sockets, shared by core-cost and exporter-cost: an
 * in-memory transport answering with the recorded OpenAI bodies, the request body, and one request
 * through `gateway.handle` read as an adapter would. A module of its own: an entry script that
 * other entries import ends up in a shared chunk of the bench build, where its "am I the entry"
 * check never holds, and it exits without measuring.
 */
import type { Gateway, Transport } from '../../src/index.js';
import { OPENAI_JSON, openAIStreamFrames } from './payloads.js';

const jsonBytes = Buffer.from(OPENAI_JSON);
const streamFrames = openAIStreamFrames(18, true).map((frame) => Buffer.from(frame));

async function* replay(frames: readonly Buffer[]): AsyncGenerator<Uint8Array> {
  for (const frame of frames) yield frame;
}

/** Answers like the mock upstream, with no I/O. */
export const memoryTransport: Transport = {
  async send(request) {
    const stream = request.body!.includes('"stream":true');
    return {
      status: 200,
      headers: { 'content-type': stream ? 'text/event-stream' : 'application/json' },
      body: stream ? replay(streamFrames) : replay([jsonBytes]),
      text: async () => OPENAI_JSON,
      cancel() {},
    };
  },
  async close() {},
};

export const BODY = {
  model: 'chat-fast',
  messages: [
    { role: 'system', content: 'You are a helpful assistant.' },
    { role: 'user', content: 'Invent a holiday and describe its traditions.' },
  ],
  customer_identifier: 'customer-42',
  thread_identifier: 'thread-7',
  metadata: { session_id: 'session-abc', feature: 'bench' },
};

export async function once(gateway: Gateway, stream: boolean): Promise<void> {
  const rawBody = Buffer.from(JSON.stringify({ ...BODY, stream }));
  const response = await gateway.handle(
    { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, rawBody },
    { signal: new AbortController().signal },
  );
  if (response.kind === 'json') {
    if (response.status !== 200) throw new Error(`status ${response.status}`);
    // What an adapter sends.
    void (response.text ?? JSON.stringify(response.body));
  } else {
    for await (const _ of response.body);
  }
}
