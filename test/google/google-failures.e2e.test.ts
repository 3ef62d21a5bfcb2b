/**
 * Gemini failures end to end, through the openai SDK and a real Express host: Google error bodies
 * (google.rpc.Status, https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes) on HTTP and
 * inside streams, retries, and fallbacks across providers in both directions.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { fixtureChunks } from '../helpers/fixtures.js';
import { geminiSse, recordedGeminiEvents } from '../helpers/gemini.js';
import { GEMINI_KEY, inTurn, textResponse, useGeminiStack } from '../helpers/gemini-stack.js';
import { json, sse } from '../helpers/upstream.js';

const stack = useGeminiStack();
const TEXT_CHUNKS = fixtureChunks('openai-chat/openai-text.chunks.jsonl');
const gatewayParams = (params: Record<string, unknown>) => params as object;

describe('errors', () => {
  // google.rpc.Status bodies: https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
  const status = (code: number, statusName: string, message: string, details?: unknown[]) => ({
    error: { code, message, status: statusName, ...(details ? { details } : {}) },
  });

  it('retries a 429 after the RetryInfo delay Gemini gives in the body', async () => {
    stack.gemini.handle(
      inTurn(
        (_request, response) =>
          json(
            response,
            429,
            status(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [
              { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.05s' },
            ]),
          ),
        (_request, response) => json(response, 200, textResponse('ok')),
      ),
    );
    const started = Date.now();
    const completion = await stack.client.chat.completions.create({
      model: 'gemini-2.5-flash',
      messages: [{ role: 'user', content: 'x' }],
    });
    expect(completion.choices[0].message.content).toBe('ok');
    expect(stack.gemini.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
  });

  it('retries a 503 and then answers with the OpenAI shape when every attempt fails', async () => {
    stack.gemini.handle((_request, response) =>
      json(response, 503, status(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.')),
    );
    const error = await stack.client.chat.completions
      .create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught) => caught);
    expect(error).toMatchObject({ status: 502, code: 'unavailable' });
    expect(error.message).toContain('The model is overloaded');
    expect(stack.gemini.requests).toHaveLength(2);
  });

  it("treats an invalid key (a 400 with API_KEY_INVALID) as the gateway's own credentials, without leaking it", async () => {
    stack.gemini.handle((_request, response) =>
      json(
        response,
        400,
        status(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
          {
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
            domain: 'googleapis.com',
            metadata: { service: 'generativelanguage.googleapis.com' },
          },
        ]),
      ),
    );
    const error = await stack.client.chat.completions
      .create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught) => caught);
    expect(error).toMatchObject({ status: 502, code: 'upstream_auth_error' });
    expect(JSON.stringify(error.error)).not.toContain(GEMINI_KEY);
    const [record] = await stack.logs.settle(1);
    expect(record.attempts[0].status_code).toBe(400);
  });

  it("passes a request error through as a 400 with Gemini's message, and a missing model as model_not_found", async () => {
    stack.gemini.handle((_request, response) =>
      json(
        response,
        400,
        status(400, 'INVALID_ARGUMENT', '* GenerateContentRequest.generation_config.temperature: must be in [0, 2]'),
      ),
    );
    const invalid = await stack.client.chat.completions
      .create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }], temperature: 5 })
      .catch((caught) => caught);
    expect(invalid).toMatchObject({ status: 400, code: 'invalid_argument' });
    expect(invalid.message).toContain('must be in [0, 2]');
    expect(stack.gemini.requests).toHaveLength(1);

    stack.gemini.handle((_request, response) =>
      json(response, 404, [
        status(
          404,
          'NOT_FOUND',
          'models/gemini-9-ultra is not found for API version v1beta, or is not supported for generateContent.',
        ),
      ]),
    );
    const missing = await stack.client.chat.completions
      .create({ model: 'gemini-9-ultra', messages: [{ role: 'user', content: 'x' }] })
      .catch((caught) => caught);
    expect(missing).toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('ends a stream that fails after its first content with an OpenAI-shaped error, never a clean close', async () => {
    // The pause puts the error in a later network chunk than the first text: the answer has started.
    stack.gemini.handle((_request, response) =>
      geminiSse(response, [recordedGeminiEvents()[0], status(500, 'INTERNAL', 'An internal error has occurred.')], {
        delayMs: 30,
      }),
    );
    const stream = await stack.client.chat.completions.create({
      model: 'gemini-2.0-flash',
      stream: true,
      messages: [{ role: 'user', content: 'x' }],
    });
    const received: string[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta?.content ?? '');
    })().catch((caught) => caught);
    expect(received.join('')).toBe('The');
    expect(failure).toBeInstanceOf(OpenAI.APIError);
    expect(String(failure.message)).toContain('An internal error has occurred.');
    const [record] = await stack.logs.settle(1);
    // The usage known when it failed stays in the log.
    expect(record).toMatchObject({
      provider: 'google',
      status: 'error',
      status_code: 502,
      error_code: 'internal',
      usage: { prompt_tokens: 7 },
    });
  });
});

describe('fallbacks across providers', () => {
  it('falls back from an OpenAI-compatible upstream to Gemini, streaming with tools', async () => {
    stack.openai.handle((_request, response) =>
      json(response, 500, { error: { message: 'boom', type: 'server_error', param: null, code: null } }),
    );
    stack.gemini.handle((_request, response) =>
      geminiSse(response, [
        {
          candidates: [
            {
              content: { role: 'model', parts: [{ functionCall: { name: 'get_time', args: { tz: 'UTC' } } }] },
              finishReason: 'STOP',
              index: 0,
            },
          ],
          responseId: 'resp-fb',
          modelVersion: 'gemini-2.5-flash',
        },
      ]),
    );
    const runner = stack.client.chat.completions.stream({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'Time?' }],
      tools: [
        {
          type: 'function',
          function: { name: 'get_time', parameters: { type: 'object', properties: { tz: { type: 'string' } } } },
        },
      ],
      ...gatewayParams({ fallback_models: ['gemini-2.5-flash'] }),
    });
    const completion = await runner.finalChatCompletion();
    expect(completion.choices[0].message.tool_calls).toEqual([
      { id: 'call_resp-fb_0', type: 'function', function: { name: 'get_time', arguments: '{"tz":"UTC"}' } },
    ]);
    expect(stack.openai.requests.length).toBeGreaterThanOrEqual(1);
    expect(stack.gemini.requests).toHaveLength(1);
    const [record] = await stack.logs.settle(1);
    expect(record).toMatchObject({ provider: 'google', model: 'gemini-2.5-flash', fallback_used: true });
  });

  it("falls back from Gemini to OpenAI invisibly when Gemini's stream opens with an error event", async () => {
    stack.gemini.handle((_request, response) =>
      geminiSse(response, [{ error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }]),
    );
    stack.openai.handle((request, response) =>
      sse(
        response,
        request.body.stream_options?.include_usage ? TEXT_CHUNKS : TEXT_CHUNKS.filter((chunk) => !chunk.usage),
      ),
    );
    const { data: stream, response } = await stack.client.chat.completions
      .create({
        model: 'gemini-2.5-flash',
        stream: true,
        messages: [{ role: 'user', content: 'Invent a holiday' }],
        ...gatewayParams({ fallback_models: ['gpt-4.1-nano'], retry_params: { retry_enabled: false } }),
      })
      .withResponse();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    expect(text).toBe(TEXT_CHUNKS.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join(''));
    expect(response.headers.get('x-modelgate-provider')).toBe('openai');
    expect(response.headers.get('x-modelgate-fallback')).toBe('true');
    const [record] = await stack.logs.settle(1);
    expect(record.attempts.map((attempt) => [attempt.provider, attempt.error_code])).toEqual([
      ['google', 'unavailable'],
      ['openai', null],
    ]);
  });
});
