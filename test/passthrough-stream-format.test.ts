/**
 * The pass-through relay asks the route's stream format how a stream ends, where its usage and its
 * errors are, and how its output is logged: nothing of chat completions' is built into it. Shown with
 * a stream that is not chat completions' at all, OpenAI's Responses API (real Azure recordings,
 * test/fixtures/openai-responses), read by a sketch of that route's format written here: no `[DONE]`,
 * the end is a `response.completed` event, the usage sits in it with `input_tokens`/`output_tokens`.
 */
import { describe, expect, it } from 'vitest';
import type { OutputLog, StreamFormat } from '../src/endpoints/endpoint.js';
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

/** The log output of a Responses stream: its text and its function call arguments. */
class ResponsesOutput implements OutputLog {
  private text = '';
  private args = '';
  push(payload: string): void {
    const event = JSON.parse(payload) as Json;
    if (event.type === 'response.output_text.delta') this.text += event.delta;
    if (event.type === 'response.function_call_arguments.delta') this.args += event.delta;
  }
  value() {
    return { text: this.text, arguments: this.args };
  }
}

const unused = () => {
  throw new Error('not used by the relay');
};

const responsesFormat: StreamFormat = {
  requested: (body) => body.stream === true,
  clientWantsUsage: () => true,
  askForUsage: () => ({}),
  passthrough: {
    // Every event of the stream is named by its `type`, the first field.
    errorHint: '{"type":"response.failed"',
    errorIn(data, errorEvent) {
      const event = JSON.parse(data) as Json;
      return errorEvent ? { message: event.message, code: event.code } : event.response.error;
    },
    usage: /^\{"type":"response\.(?:completed|incomplete)"/,
    // Part of the answer the client reads: never stripped.
    readUsage: (data) => ({ usage: responsesUsage((JSON.parse(data) as Json).response.usage), data }),
    complete: /^\{"type":"response\.(?:completed|incomplete)"/,
  },
  createOutputLog: () => new ResponsesOutput(),
  end: '',
  errorFrame: unused,
  breakdownFrame: unused,
  answerFromStream: unused,
  replay: unused,
};

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

/** The answer's text and function call arguments, as the final `response.completed` event holds them. */
function recordedOutput(answer: Json) {
  let text = '';
  let args = '';
  for (const item of answer.output) {
    if (item.type === 'message') for (const part of item.content) if (part.type === 'output_text') text += part.text;
    if (item.type === 'function_call') args += item.arguments;
  }
  return { text, arguments: args };
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
        output: recordedOutput(completed.response),
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
    });
  }

  it('an error event in the stream is the upstream error it names', async () => {
    const events = fixtureChunks<Json>('openai-responses/azure-text.chunks.jsonl').slice(0, 5);
    const failed = `${wire(events)}event: error\ndata: {"type":"error","code":"server_error","message":"The server had an error"}\n\n`;
    const outcome = await relay(failed, [encoder.encode(wire(events)).length]);
    expect(outcome.error).toBe('server_error');
    expect(outcome.text).toBe(wire(events));
  });
});
