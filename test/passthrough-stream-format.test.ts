/**
 * The pass-through relay asks the route's stream format how a stream ends, where its usage and its
 * errors are, and how its output is logged: nothing of chat completions' is built into it. Shown with
 * a stream that is not chat completions' at all, OpenAI's Responses API (real Azure recordings,
 * test/fixtures/openai-responses), read by that route's record (src/endpoints/responses/): no
 * `[DONE]`, the end is a `response.completed` event, the usage sits in it with `input_tokens`/`output_tokens`.
 */
import { describe, expect, it } from 'vitest';
import type { StreamFormat } from '../src/endpoints/endpoint.js';
import { responses } from '../src/endpoints/responses/index.js';
import { passthroughStream, type StreamTap } from '../src/engine/passthrough-stream.js';
import { GatewayError } from '../src/errors.js';
import { createProviders } from '../src/providers/create-providers.js';
import type { NormalizedUsage } from '../src/usage.js';
import { fixtureChunks } from './helpers/fixtures.js';

const provider = createProviders({ azure: { resource: 'contoso', apiKey: 'az-test-format-0001' } }).get('azure')!;
const encoder = new TextEncoder();

type Json = Record<string, any>;

function responsesUsage(usage: Json): NormalizedUsage {
  const cached = usage.input_tokens_details?.cached_tokens ?? 0;
  const reasoning = usage.output_tokens_details?.reasoning_tokens ?? 0;
  return {
    inputTokens: usage.input_tokens - cached,
    cacheReadTokens: cached,
    cacheWriteTokens: 0,
    outputTokens: usage.output_tokens - reasoning,
    reasoningTokens: reasoning,
  };
}

const responsesFormat: StreamFormat = responses.stream;

/** OpenAI's wire framing of a Responses stream: each event named by an `event:` line. */
const wire = (events: readonly Json[]) =>
  events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('');

async function relay(text: string, cuts: number[], format: StreamFormat = responsesFormat) {
  const bytes = encoder.encode(text);
  async function* body() {
    let start = 0;
    for (const cut of [...cuts, bytes.length]) {
      if (cut > start) yield bytes.subarray(start, cut);
      start = cut;
    }
  }
  const tap: StreamTap = {};
  let relayed = '';
  let error: string | undefined;
  try {
    for await (const piece of passthroughStream(
      body(),
      provider,
      { stripUsage: true, keepPayloads: false, keepOutput: true },
      tap,
      format,
    ))
      relayed += piece;
  } catch (thrown) {
    error = GatewayError.isInstance(thrown) ? thrown.code! : String(thrown);
  }
  return { text: relayed, usage: tap.usage, output: tap.output?.value(), error };
}

const RECORDINGS = ['azure-text', 'azure-tool-call'];

describe("the pass-through relay reads a stream by its route's format", () => {
  for (const name of RECORDINGS) {
    const events = fixtureChunks<Json>(`openai-responses/${name}.chunks.jsonl`);
    const stream = wire(events);
    const completed = events.at(-1)!;

    it(`${name}: relayed untouched, complete without [DONE], its usage and output read, at every split point`, async () => {
      const expected = {
        text: stream,
        usage: responsesUsage(completed.response.usage),
        output: completed.response.output,
        error: undefined,
      };
      expect(await relay(stream, [])).toEqual(expected);
      const length = encoder.encode(stream).length;
      for (let cut = 1; cut < length; cut += 13)
        expect(await relay(stream, [cut]), `split at ${cut}`).toEqual(expected);
    });

    it(`${name}: cut before response.completed is truncated, by the same format's rule`, async () => {
      const outcome = await relay(wire(events.slice(0, -1)), []);
      expect(outcome.error).toBe('upstream_stream_truncated');
      expect(outcome.usage).toBeUndefined();
      // The log keeps what the client had: the items done, as the final snapshot holds them.
      expect(outcome.output).toEqual(completed.response.output);
    });

    it(`${name}: cut in its first item, the log holds the text or arguments so far`, async () => {
      const firstDone = events.findIndex((event) => event.type === 'response.output_item.done');
      const outcome = await relay(wire(events.slice(0, firstDone)), []);
      expect(outcome.error).toBe('upstream_stream_truncated');
      const item = completed.response.output[0];
      const partial =
        item.type === 'message'
          ? { content: [{ type: 'output_text', text: item.content[0].text }] }
          : { arguments: item.arguments };
      expect(outcome.output).toMatchObject([{ id: item.id, type: item.type, ...partial }]);
    });
  }

  it('an error event in the stream is the upstream error it names', async () => {
    const events = fixtureChunks<Json>('openai-responses/azure-text.chunks.jsonl').slice(0, 5);
    const failed = `${wire(events)}event: error\ndata: {"type":"error","code":"server_error","message":"The server had an error"}\n\n`;
    const outcome = await relay(failed, [encoder.encode(wire(events)).length]);
    expect(outcome.error).toBe('server_error');
    expect(outcome.text).toBe(wire(events));
  });

  it('a response.failed event is the upstream error its response holds', async () => {
    const events = fixtureChunks<Json>('openai-responses/azure-text.chunks.jsonl');
    const head = events.slice(0, 5);
    const failed = {
      type: 'response.failed',
      sequence_number: 5,
      response: {
        ...events.at(-1)!.response,
        status: 'failed',
        error: { code: 'rate_limit_exceeded', message: 'Slow down' },
        usage: null,
      },
    };
    const outcome = await relay(wire([...head, failed]), [encoder.encode(wire(head)).length]);
    expect(outcome.error).toBe('rate_limit_exceeded');
    expect(outcome.text).toBe(wire(head));
  });
});
