/**
 * The Gemini stream translator, pure: the real recording (test/fixtures/gemini, see PROVENANCE.tsv)
 * and, for shapes the repository has no recording of, events written after the official API
 * reference (cited at each input). No network here; the e2e tests run the same through sockets.
 */
import { describe, expect, it } from 'vitest';
import { upstreamEventError } from '../../src/engine/upstream-error.js';
import { GatewayError } from '../../src/errors.js';
import { googleProvider } from '../../src/providers/google/index.js';
import { UpstreamErrorEvent } from '../../src/providers/kit/upstream-error-event.js';
import { fixtureText } from '../helpers/fixtures.js';
import { GEMINI_RECORDING, recordedGeminiEvents, translateBytes, translateEvents } from '../helpers/gemini.js';

const text = (chunks: any[]) => chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');

describe('the recorded Gemini stream', () => {
  const raw = fixtureText(GEMINI_RECORDING);

  it('translates to OpenAI chunks: role first, text deltas, a finish chunk, then usage', () => {
    const { chunks, translator } = translateBytes([raw]);
    expect(chunks).toMatchSnapshot();
    const events = recordedGeminiEvents();
    expect(text(chunks)).toBe(events.map((event) => event.candidates[0].content.parts[0].text).join(''));
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.role)).toHaveLength(1);
    expect(chunks.at(-2)!.choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop' });
    expect(chunks.at(-1)).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 7, completion_tokens: 10, total_tokens: 17 },
    });
    expect(chunks.at(-1)!.usage!.total_tokens).toBe(events.at(-1).usageMetadata.totalTokenCount);
    expect(translator.usage()).toEqual({
      inputTokens: 7,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 10,
      reasoningTokens: 0,
    });
    expect(new Set(chunks.map((chunk) => chunk.model))).toEqual(new Set(['gemini-2.0-flash']));
  });

  it('gives the same chunks wherever the network cuts the bytes', () => {
    const bytes = new TextEncoder().encode(raw);
    const whole = translateBytes([bytes]).chunks;
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(translateBytes([bytes.subarray(0, cut), bytes.subarray(cut)]).chunks).toEqual(whole);
    }
    const byByte = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(translateBytes(byByte).chunks).toEqual(whole);
  });
});

describe('multi-byte text', () => {
  it('survives every cut of its bytes, CRLF framing included', () => {
    // Text parts as in https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse.
    const events = [
      { candidates: [{ content: { role: 'model', parts: [{ text: 'Grüße, 世界 ' }] } }] },
      { candidates: [{ content: { role: 'model', parts: [{ text: '🎻𝄞 done' }] }, finishReason: 'STOP' }] },
    ];
    const bytes = new TextEncoder().encode(events.map((event) => `data: ${JSON.stringify(event)}\r\n\r\n`).join(''));
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(text(translateBytes([bytes.subarray(0, cut), bytes.subarray(cut)]).chunks)).toBe('Grüße, 世界 🎻𝄞 done');
    }
  });
});

describe('function calls', () => {
  // Shapes from https://ai.google.dev/gemini-api/docs/function-calling (a model turn whose parts are
  // `functionCall {name, args}`; parallel calls are several such parts in one turn) and
  // https://ai.google.dev/gemini-api/docs/thought-signatures (the signature rides on the first
  // functionCall part only; a response without calls carries it on its last part).
  const parallel = [
    {
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2lnbmF0dXJlLUE=' },
              { functionCall: { name: 'get_weather', args: { city: 'Tokyo' } } },
            ],
          },
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 18, thoughtsTokenCount: 120, totalTokenCount: 178 },
      modelVersion: 'gemini-3-flash-preview',
      responseId: 'resp-A',
    },
    {
      candidates: [{ content: { role: 'model', parts: [{ text: '' }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 18, thoughtsTokenCount: 120, totalTokenCount: 178 },
      modelVersion: 'gemini-3-flash-preview',
      responseId: 'resp-A',
    },
  ];

  it('gives each parallel call its own index and id, arguments as a JSON string, and finishes with tool_calls', () => {
    const { chunks } = translateEvents(parallel);
    const calls = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls).toEqual([
      {
        index: 0,
        id: 'call_resp-A_0',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        extra_content: { google: { thought_signature: 'c2lnbmF0dXJlLUE=' } },
      },
      {
        index: 1,
        id: 'call_resp-A_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' },
      },
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason).filter(Boolean)).toEqual(['tool_calls']);
    expect(chunks.every((chunk) => chunk.id === 'chatcmpl-resp-A')).toBe(true);
    expect(chunks.at(-1)!.usage).toEqual({
      prompt_tokens: 40,
      completion_tokens: 138,
      total_tokens: 178,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 120 },
    });
  });

  it('numbers calls across events and keeps ids stable for the same response', () => {
    const split = [
      {
        candidates: [{ content: { role: 'model', parts: [parallel[0].candidates[0].content.parts[0]] } }],
        responseId: 'resp-B',
      },
      {
        candidates: [{ content: { role: 'model', parts: [parallel[0].candidates[0].content.parts[1]] } }],
        responseId: 'resp-B',
      },
      { candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'STOP' }], responseId: 'resp-B' },
    ];
    const calls = translateEvents(split).chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(calls.map((call) => [call.index, call.id])).toEqual([
      [0, 'call_resp-B_0'],
      [1, 'call_resp-B_1'],
    ]);
    expect(translateEvents(split).chunks).toEqual(translateEvents(split).chunks);
  });

  it('makes ids out of characters every provider accepts in a tool id', () => {
    const events = [
      {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [{ functionCall: { name: 'f', args: {} } }, { functionCall: { id: 'a/b+c', name: 'g' } }],
            },
            finishReason: 'STOP',
          },
        ],
        responseId: 'x+y/z=',
      },
    ];
    const ids = translateEvents(events)
      .chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? [])
      .map((call) => call.id);
    expect(ids).toEqual(['call_x_y_z__0', 'a_b_c']);
  });

  it('keeps an id Gemini sends, and sends `{}` for a call without arguments', () => {
    const events = [
      {
        candidates: [
          { content: { role: 'model', parts: [{ functionCall: { id: 'fc-7', name: 'now' } }] }, finishReason: 'STOP' },
        ],
      },
    ];
    const [call] = translateEvents(events).chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    expect(call).toEqual({ index: 0, id: 'fc-7', type: 'function', function: { name: 'now', arguments: '{}' } });
  });

  it('treats MALFORMED_FUNCTION_CALL with nothing produced as a failed attempt (retryable, before any byte)', () => {
    // FinishReason values: https://ai.google.dev/api/generate-content#FinishReason
    const events = [
      { candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'MALFORMED_FUNCTION_CALL', index: 0 }] },
    ];
    const error = catchError(() => translateEvents(events));
    expect(error).toMatchObject({ status: 502, code: 'upstream_malformed_function_call', retryable: true });
  });
});

describe('thinking, signatures, usage buckets', () => {
  // Thought summaries are parts with `thought: true` (https://ai.google.dev/gemini-api/docs/thinking#summaries);
  // usage fields per https://ai.google.dev/api/generate-content#UsageMetadata.
  const events = [
    {
      candidates: [
        { content: { role: 'model', parts: [{ text: '**Counting letters**\nI will count.', thought: true }] } },
      ],
      responseId: 'r1',
    },
    { candidates: [{ content: { role: 'model', parts: [{ text: 'There are 3.' }] } }], responseId: 'r1' },
    {
      candidates: [
        {
          content: { role: 'model', parts: [{ text: '', thoughtSignature: 'dGhvdWdodC1zaWc=' }] },
          finishReason: 'STOP',
        },
      ],
      usageMetadata: {
        promptTokenCount: 1000,
        cachedContentTokenCount: 600,
        toolUsePromptTokenCount: 50,
        candidatesTokenCount: 5,
        thoughtsTokenCount: 40,
        totalTokenCount: 1095,
      },
      responseId: 'r1',
    },
  ];

  it('streams thought summaries as reasoning_content and the final signature on the message', () => {
    const { chunks, translator } = translateEvents(events);
    expect(chunks[0].choices[0].delta).toEqual({
      role: 'assistant',
      reasoning_content: '**Counting letters**\nI will count.',
    });
    expect(chunks[1].choices[0].delta).toEqual({ content: 'There are 3.' });
    expect(chunks[2].choices[0].delta).toEqual({
      extra_content: { google: { thought_signature: 'dGhvdWdodC1zaWc=' } },
    });
    expect(chunks[3].choices[0]).toEqual({ index: 0, delta: {}, finish_reason: 'stop' });
    // prompt includes cached; tool-use prompt tokens are input; completion includes thoughts.
    expect(chunks[4].usage).toEqual({
      prompt_tokens: 1050,
      completion_tokens: 45,
      total_tokens: 1095,
      prompt_tokens_details: { cached_tokens: 600, cache_write_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 40 },
    });
    expect(translator.usage()).toEqual({
      inputTokens: 450,
      cacheReadTokens: 600,
      cacheWriteTokens: 0,
      outputTokens: 5,
      reasoningTokens: 40,
    });
  });
});

describe('filters, errors and odd endings', () => {
  it('answers a blocked prompt with a content_filter finish (promptFeedback.blockReason)', () => {
    // https://ai.google.dev/api/generate-content#PromptFeedback: no candidates, a blockReason.
    const { chunks } = translateEvents([
      { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 } },
    ]);
    expect(chunks[0].choices[0]).toEqual({
      index: 0,
      delta: { role: 'assistant', content: null },
      finish_reason: 'content_filter',
    });
    expect(chunks[1].usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 0 });
  });

  it('ends an answer already under way with content_filter when a prompt block arrives late', () => {
    // The docs send promptFeedback first; Google's own SDK test data (FirebaseExtended/vertexai-sdk-test-data,
    // mock-responses/googleai/streaming-failure-prompt-blocked-safety.txt) also has it after text: both must end cleanly.
    const events = [
      { candidates: [{ content: { role: 'model', parts: [{ text: 'text1' }] } }] },
      { promptFeedback: { blockReason: 'SAFETY' } },
    ];
    const { chunks } = translateEvents(events);
    expect(chunks.map((chunk) => chunk.choices[0])).toEqual([
      { index: 0, delta: { role: 'assistant', content: 'text1' }, finish_reason: null },
      { index: 0, delta: {}, finish_reason: 'content_filter' },
    ]);
  });

  it('maps a SAFETY stop to content_filter and MAX_TOKENS to length', () => {
    const stop = (finishReason: string) =>
      translateEvents([
        { candidates: [{ content: { role: 'model', parts: [{ text: 'Part' }] }, finishReason }] },
      ]).chunks.find((chunk) => chunk.choices[0]?.finish_reason)!.choices[0].finish_reason;
    expect(stop('SAFETY')).toBe('content_filter');
    expect(stop('PROHIBITED_CONTENT')).toBe('content_filter');
    expect(stop('RECITATION')).toBe('content_filter');
    expect(stop('MAX_TOKENS')).toBe('length');
    expect(stop('SOMETHING_NEW')).toBe('stop');
  });

  it('gives one choice per candidate when n > 1', () => {
    const events = [
      {
        candidates: [
          { content: { role: 'model', parts: [{ text: 'A' }] }, finishReason: 'STOP', index: 0 },
          { content: { role: 'model', parts: [{ text: 'B' }] }, finishReason: 'STOP', index: 1 },
        ],
      },
    ];
    const { chunks } = translateEvents(events);
    const byChoice = (index: number) => chunks.filter((chunk) => chunk.choices[0]?.index === index);
    expect(byChoice(0).map((chunk) => chunk.choices[0].delta)).toEqual([{ role: 'assistant', content: 'A' }, {}]);
    expect(byChoice(1).map((chunk) => chunk.choices[0].delta)).toEqual([{ role: 'assistant', content: 'B' }, {}]);
  });

  it('throws an error event that the engine classifies as the HTTP error of the status it stands for', () => {
    // A google.rpc.Status inside the stream: https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
    const overloaded = catchError(() =>
      translateEvents([
        { error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } },
      ]),
    );
    expect(overloaded).toMatchObject({ status: 502, code: 'unavailable', retryable: true });
    const limited = catchError(() =>
      translateEvents([
        {
          error: {
            code: 429,
            message: 'Resource has been exhausted',
            status: 'RESOURCE_EXHAUSTED',
            details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2.5s' }],
          },
        },
      ]),
    );
    expect(limited).toMatchObject({ status: 429, retryable: true, retryAfterMs: 2500 });
    const invalid = catchError(() =>
      translateEvents([
        { error: { code: 400, message: 'Request contains an invalid argument.', status: 'INVALID_ARGUMENT' } },
      ]),
    );
    expect(invalid).toMatchObject({ status: 400, retryable: false, fallback: false });
  });

  it('never puts the key into an error message', () => {
    const error = catchError(() =>
      translateEvents([
        {
          error: {
            code: 500,
            message: 'internal: key AIza-test-key-not-real-000000000 and AIzaSyD-another-key-looking-thing-123',
            status: 'INTERNAL',
          },
        },
      ]),
    );
    expect(error!.message).not.toContain('AIza');
  });

  it('refuses a stream that ends before its finishReason, and an event that is not JSON', () => {
    expect(
      catchError(() =>
        translateEvents([{ candidates: [{ content: { role: 'model', parts: [{ text: 'Half an ans' }] } }] }]),
      ),
    ).toMatchObject({ code: 'upstream_stream_truncated', retryable: true });
    expect(catchError(() => translateEvents(['{"candidates": [']))).toMatchObject({ code: 'upstream_invalid_stream' });
  });
});

/** What the client would get: an error event goes through the engine's classification (with the provider's key to scrub). */
const provider = googleProvider({ id: 'google', apiKey: 'AIza-test-key-not-real-000000000' });
function catchError(run: () => unknown): GatewayError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof UpstreamErrorEvent) return upstreamEventError(provider, error);
    if (GatewayError.isInstance(error)) return error;
    throw error;
  }
  return undefined;
}

describe('the Gemini stream decoder', () => {
  it('reads exactly what the general SSE decoder reads, at every split point', async () => {
    const { geminiStreamDecoder } = await import('../../src/providers/google/stream-decoder.js');
    const { sseEventDecoder } = await import('../../src/sse/sse-event-decoder.js');
    const sample = [
      'data: {"a":1}\r\n\r\n',
      ': keep-alive comment\r\n\r\n',
      'data: {"b":\r\ndata: 2}\r\n\r\n',
      'event: message\ndata: {"c":3}\n\n',
      'data:{"d":"no space"}\n\n',
      'data:  {"e":"two spaces"}\r\r',
      'id: 7\r\ndata: {"f":6}\r\n\r\n',
      'data: {"g":"ünï ✓"}',
    ].join('');
    const bytes = new TextEncoder().encode(sample);
    const read = (decoder: { push(bytes: Uint8Array): unknown[]; end(): unknown[] }, cut: number) => [
      ...decoder.push(bytes.subarray(0, cut)),
      ...decoder.push(bytes.subarray(cut)),
      ...decoder.end(),
    ];
    const expected = read(sseEventDecoder(), bytes.length);
    expect(expected).toHaveLength(7);
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(read(geminiStreamDecoder(), cut).map((event: any) => event.data)).toEqual(
        expected.map((event: any) => event.data),
      );
    }
  });
});
