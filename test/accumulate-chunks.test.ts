/**
 * The log record's output of a stream, rebuilt from its chunks: the same with the fast path for
 * plain content chunks as with a full parse of every chunk, on the recorded streams.
 */
import { describe, expect, it } from 'vitest';
import { accumulateChoices } from '../src/endpoints/chat-completions/accumulate-choices.js';
import { fixtureChunks, fixtureJson } from './helpers/fixtures.js';

const RECORDINGS = [
  'openai-chat/openai-text.chunks.jsonl',
  'openai-chat/deepseek-tool-call.chunks.jsonl',
  'openai-chat/xai-tool-call.chunks.jsonl',
];

/** The same chunk, written so that no fast path can recognise it (a space after every colon). */
const spaced = (payload: string) => JSON.stringify(JSON.parse(payload), null, 1);

describe('accumulateChoices', () => {
  for (const name of RECORDINGS) {
    it(`${name}: the same output with and without the fast path`, () => {
      const payloads = fixtureChunks(name).map((chunk) => JSON.stringify(chunk));
      const fast = accumulateChoices(payloads);
      expect(fast).toEqual(accumulateChoices(payloads.map(spaced)));
      expect(fast.length).toBeGreaterThan(0);
    });
  }

  it('rebuilds the recorded OpenAI answer', () => {
    const payloads = fixtureChunks('openai-chat/openai-text.chunks.jsonl').map((chunk) => JSON.stringify(chunk));
    const [choice] = accumulateChoices(payloads);
    expect(choice.message.content).toBe(
      fixtureChunks('openai-chat/openai-text.chunks.jsonl')
        .map((chunk: any) => chunk.choices[0]?.delta?.content ?? '')
        .join(''),
    );
    expect(choice.finish_reason).toBe('stop');
    expect(fixtureJson('openai-chat/openai-text.json').choices[0].finish_reason).toBe('stop');
  });

  it('keeps escapes, other choices and anything that is not plain content', () => {
    const payloads = [
      '{"id":"c","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]}',
      '{"id":"c","choices":[{"index":0,"delta":{"content":"a \\"quoted\\" \\\\ line\\nnext \\u00e9"},"logprobs":null,"finish_reason":null}]}',
      '{"id":"c","choices":[{"index":1,"delta":{"content":"second"},"logprobs":null,"finish_reason":null}]}',
      '{"id":"c","choices":[{"index":0,"delta":{"content":"x","refusal":"no"},"finish_reason":null}]}',
      '{"id":"c","choices":[{"index":0,"delta":{"content":"!"},"finish_reason":"stop"}]}',
      '{"id":"c","choices":[],"usage":{"prompt_tokens":1}}',
      'not json',
    ];
    const output = accumulateChoices(payloads);
    expect(output).toEqual(
      accumulateChoices(payloads.map((payload) => (payload.startsWith('{') ? spaced(payload) : payload))),
    );
    expect(output[0].message).toEqual({ role: 'assistant', content: 'a "quoted" \\ line\nnext éx!', refusal: 'no' });
    expect(output[1].message.content).toBe('second');
  });

  it('skips a plain content chunk that is not valid JSON (a raw control character), as any chunk that does not parse', () => {
    const payloads = [
      '{"id":"c","choices":[{"index":0,"delta":{"content":"ok "},"logprobs":null,"finish_reason":null}]}',
      // A raw tab inside the string literal: the plain-content pattern matches it, JSON does not.
      '{"id":"c","choices":[{"index":0,"delta":{"content":"bad\ttab"},"logprobs":null,"finish_reason":null}]}',
      '{"id":"c","choices":[{"index":0,"delta":{"content":"end"},"logprobs":null,"finish_reason":null}]}',
    ];
    expect(payloads[1]).toContain('\t');
    expect(() => JSON.parse(payloads[1])).toThrow();
    expect(accumulateChoices(payloads)[0].message.content).toBe('ok end');
  });
});
