/**
 * The relay of translated streams: hold until the first content, one yield per network chunk, and
 * after commit, content that arrived just before an error still reaches the client.
 */
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../src/index.js';
import { translatedStream } from '../src/engine/translated-stream.js';
import type { ChatCompletionChunk } from '../src/providers/openai-types.js';
import type { Provider, ProviderCall } from '../src/providers/types.js';

const encoder = new TextEncoder();
const chunkWith = (content: string): ChatCompletionChunk => ({
  id: 'x',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'm',
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});

/** A toy provider whose events are `data: <word>` frames: `boom` is an error event, `end` finishes. */
const provider = {
  id: 'toy',
  secrets: [],
  createStreamTranslator: () => {
    let finished = false;
    return {
      push: (event: { data: string }) => {
        if (event.data === 'boom')
          throw new GatewayError({ status: 502, code: 'toy_error', retryable: true, message: 'boom' });
        if (event.data === 'end') finished = true;
        return [chunkWith(event.data)];
      },
      end: () => {
        if (!finished) throw new GatewayError({ status: 502, code: 'cut', message: 'cut' });
        return [];
      },
      usage: () => undefined,
    };
  },
} as unknown as Provider;

async function run(networkChunks: string[]) {
  const pieces: string[] = [];
  let error: unknown;
  async function* body() {
    for (const text of networkChunks) yield encoder.encode(text);
  }
  try {
    for await (const piece of translatedStream(
      body(),
      provider,
      {} as ProviderCall,
      { stripUsage: true, keepPayloads: false },
      {},
    ))
      pieces.push(piece);
  } catch (thrown) {
    error = thrown;
  }
  return { pieces, error: error as GatewayError | undefined };
}

const contents = (pieces: string[]) => [...pieces.join('').matchAll(/"content":"(\w+)"/g)].map((match) => match[1]);

describe('translatedStream', () => {
  it('yields once per network chunk', async () => {
    const { pieces, error } = await run(['data: a\n\ndata: b\n\n', 'data: end\n\n']);
    expect(error).toBeUndefined();
    expect(pieces).toHaveLength(2);
    expect(contents(pieces)).toEqual(['a', 'b', 'end']);
  });

  it('after commit, relays the content that preceded an error in the same network chunk', async () => {
    const { pieces, error } = await run(['data: first\n\n', 'data: second\n\ndata: boom\n\n']);
    expect(contents(pieces)).toEqual(['first', 'second']);
    expect(error?.code).toBe('toy_error');
  });

  it('before commit, relays nothing, so the engine can still fall back', async () => {
    const { pieces, error } = await run(['data: first\n\ndata: boom\n\n']);
    expect(pieces).toEqual([]);
    expect(error?.code).toBe('toy_error');
  });
});
