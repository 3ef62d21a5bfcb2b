/**
 * Non-streaming Gemini responses → OpenAI chat completions, and every completion and chunk this
 * provider produces checked against OpenAI's response schemas. Inputs follow the response reference
 * (https://ai.google.dev/api/generate-content#v1beta.GenerateContentResponse) or are the recording.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/errors.js';
import { convertResponse } from '../../src/providers/google/convert-response.js';
import openapi from '../specs/openai-openapi.json' with { type: 'json' };
import { recordedGeminiEvents, TEST_CONTEXT, translateEvents } from '../helpers/gemini.js';

const context = { providerId: 'google', model: 'gemini-2.5-flash', newId: () => 'generated', now: () => 1_700_000_000 };

// Responses are checked leniently (the published schemas require fields real responses omit), but
// every field present must have the right shape.
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
ajv.addSchema(openapi, 'openai');
const completionSchema = ajv.compile({ $ref: 'openai#/components/schemas/CreateChatCompletionResponse' });
const chunkSchema = ajv.compile({ $ref: 'openai#/components/schemas/CreateChatCompletionStreamResponse' });

function assertValid(validate: typeof completionSchema, value: unknown): void {
  const errors = validate(value) ? [] : (validate.errors ?? []).filter((error) => error.keyword !== 'required');
  expect(errors, JSON.stringify(value)).toEqual([]);
}

function convert(json: unknown) {
  const converted = convertResponse(json as never, context);
  assertValid(completionSchema, converted.body);
  return converted;
}

describe('convertResponse', () => {
  it('turns the recorded stream, as one response, into a completion with usage in OpenAI conventions', () => {
    const events = recordedGeminiEvents();
    const whole = {
      ...events.at(-1),
      candidates: [
        {
          ...events.at(-1).candidates[0],
          content: {
            role: 'model',
            parts: [{ text: events.map((event) => event.candidates[0].content.parts[0].text).join('') }],
          },
        },
      ],
    };
    const { body, usage } = convert(whole);
    expect(body).toEqual({
      id: 'chatcmpl-generated',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gemini-2.0-flash',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'The capital of Wyoming is **Cheyenne**.\n', refusal: null },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 7,
        completion_tokens: 10,
        total_tokens: 17,
        prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(usage).toEqual({
      inputTokens: 7,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 10,
      reasoningTokens: 0,
    });
  });

  it('gives text, thoughts, tool calls and signatures their OpenAI places', () => {
    // https://ai.google.dev/gemini-api/docs/thought-signatures: a text part, then calls, the first signed.
    const { body } = convert({
      candidates: [
        {
          content: {
            role: 'model',
            parts: [
              { text: 'Checking both cities.', thought: true },
              { text: 'Let me look that up.' },
              { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2lnLTE=' },
              { functionCall: { name: 'get_weather', args: { city: 'Tokyo' } } },
            ],
          },
          finishReason: 'STOP',
          index: 0,
        },
      ],
      usageMetadata: { promptTokenCount: 50, candidatesTokenCount: 30, thoughtsTokenCount: 200, totalTokenCount: 280 },
      modelVersion: 'gemini-3-pro-preview',
      responseId: 'abc',
    });
    expect((body.choices as any)[0]).toEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: 'Let me look that up.',
        refusal: null,
        reasoning_content: 'Checking both cities.',
        tool_calls: [
          {
            id: 'call_abc_0',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            extra_content: { google: { thought_signature: 'c2lnLTE=' } },
          },
          { id: 'call_abc_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Tokyo"}' } },
        ],
      },
      finish_reason: 'tool_calls',
      logprobs: null,
    });
    expect(body.usage).toMatchObject({ completion_tokens: 230, completion_tokens_details: { reasoning_tokens: 200 } });
  });

  it('converts logprobsResult to choices[].logprobs', () => {
    // LogprobsResult: https://ai.google.dev/api/generate-content#LogprobsResult
    const { body } = convert({
      candidates: [
        {
          content: { role: 'model', parts: [{ text: 'Hi!' }] },
          finishReason: 'STOP',
          logprobsResult: {
            topCandidates: [
              {
                candidates: [
                  { token: 'Hi', logProbability: -0.1 },
                  { token: 'Hello', logProbability: -2.5 },
                ],
              },
              { candidates: [{ token: '!', logProbability: -0.01 }] },
            ],
            chosenCandidates: [
              { token: 'Hi', logProbability: -0.1 },
              { token: '!', logProbability: -0.01 },
            ],
          },
        },
      ],
    });
    expect((body.choices as any)[0].logprobs).toEqual({
      content: [
        {
          token: 'Hi',
          logprob: -0.1,
          bytes: [72, 105],
          top_logprobs: [
            { token: 'Hi', logprob: -0.1, bytes: [72, 105] },
            { token: 'Hello', logprob: -2.5, bytes: [72, 101, 108, 108, 111] },
          ],
        },
        { token: '!', logprob: -0.01, bytes: [33], top_logprobs: [{ token: '!', logprob: -0.01, bytes: [33] }] },
      ],
      refusal: null,
    });
  });

  it('answers a blocked prompt with content_filter, and refuses a response with no candidate at all', () => {
    const { body } = convert({
      promptFeedback: { blockReason: 'PROHIBITED_CONTENT' },
      usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
    });
    expect((body.choices as any)[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: null, refusal: null },
      finish_reason: 'content_filter',
      logprobs: null,
    });
    expect(() => convertResponse({}, context)).toThrow(GatewayError);
  });

  it('returns one choice per candidate and treats a lone malformed function call as a failed attempt', () => {
    const { body } = convert({
      candidates: [
        { content: { role: 'model', parts: [{ text: 'one' }] }, finishReason: 'STOP', index: 0 },
        { content: { role: 'model', parts: [{ text: 'two' }] }, finishReason: 'MAX_TOKENS', index: 1 },
      ],
    });
    expect(
      (body.choices as any[]).map((choice) => [choice.index, choice.message.content, choice.finish_reason]),
    ).toEqual([
      [0, 'one', 'stop'],
      [1, 'two', 'length'],
    ]);
    expect(() =>
      convertResponse(
        { candidates: [{ content: { role: 'model', parts: [] }, finishReason: 'MALFORMED_FUNCTION_CALL' }] },
        context,
      ),
    ).toThrow(/malformed function call/);
  });
});

describe('stream chunks against the OpenAI chunk schema', () => {
  it('validates every chunk of the recording and of a tool-call stream', () => {
    const toolStream = [
      {
        candidates: [
          {
            content: {
              role: 'model',
              parts: [
                { functionCall: { name: 'f', args: { a: 1 } }, thoughtSignature: 'eA==' },
                { text: 'note', thought: true },
              ],
            },
          },
        ],
        responseId: 'r',
      },
      {
        candidates: [{ content: { role: 'model', parts: [{ text: 'done' }] }, finishReason: 'STOP' }],
        usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 },
        responseId: 'r',
      },
    ];
    const chunks = [
      ...translateEvents(recordedGeminiEvents(), TEST_CONTEXT).chunks,
      ...translateEvents(toolStream, TEST_CONTEXT).chunks,
    ];
    expect(chunks.length).toBeGreaterThan(8);
    for (const chunk of chunks) assertValid(chunkSchema, chunk);
  });
});
